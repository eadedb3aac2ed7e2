// Files esbuild bundles beside the code: CSS into app.css, images as files with hashed names.
declare module '*.css';
declare module '*.png' {
  const url: string;
  export default url;
}
declare module '*.svg' {
  const url: string;
  export default url;
}
