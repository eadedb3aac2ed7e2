import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * A throw-away PKI in `dir`, made with the openssl CLI (P-256 keys, valid 2 days): CAs and
 * certificates signed by them, as `<name>.crt` / `<name>.key`. For the TLS tests (HTTPS and MLLP).
 */
export function testPki(dir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  return {
    file: (name: string) => join(dir, name),
    /** A self-signed CA certificate. */
    makeCa: (name: string): void => {
      openssl(
        'req',
        '-x509',
        ...EC,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      );
    },
    /** A certificate of subject CN `cn` signed by `ca`; `ext` its extensions (SANs). */
    makeCert: (name: string, ca: string, cn: string, ext?: string): void => {
      openssl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
      if (ext) writeFileSync(join(dir, `${name}.ext`), ext);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${ca}.crt`,
        '-CAkey',
        `${ca}.key`,
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        ...(ext ? ['-extfile', `${name}.ext`] : []),
      );
    },
  };
}
