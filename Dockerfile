# syndromic-ews service image. The same image runs every role (`ews serve --role …`).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 EWS_DATA_DIR=/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
USER node
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/ews.mjs"]
CMD ["serve"]
