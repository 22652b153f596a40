// The GitHub App's own JWT (RS256, ten minutes at most), which authenticates calls made as the
// App: minting installation tokens, finding a repository's installation. GitHub hands out the
// private key as PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"); WebCrypto imports PKCS#8 only, so a
// PKCS#1 key is wrapped into PKCS#8 first.
import { importPKCS8, SignJWT } from "jose";

/** rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters, DER-encoded. */
const RSA_ALGORITHM = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function der(tag: number, content: Uint8Array | number[]): Uint8Array {
  const body = content instanceof Uint8Array ? content : Uint8Array.from(content);
  const head = [tag, ...derLength(body.length)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function pemBody(pem: string): Uint8Array {
  const base64 = pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function toPem(label: string, bytes: Uint8Array): string {
  const base64 = btoa(String.fromCharCode(...bytes));
  return `-----BEGIN ${label}-----\n${base64.replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
}

/** A PKCS#8 PEM of `pem`, which may be PKCS#1 (GitHub's format) or PKCS#8 already. */
export function pkcs8Pem(pem: string): string {
  const text = pem.replace(/\\n/g, "\n").trim();
  if (text.includes("BEGIN PRIVATE KEY")) return text;
  if (!text.includes("BEGIN RSA PRIVATE KEY")) throw new Error("the GitHub App private key is not a PEM RSA key");
  const pkcs1 = pemBody(text);
  const info = der(0x30, concat(Uint8Array.from([0x02, 0x01, 0x00]), Uint8Array.from(RSA_ALGORITHM), der(0x04, pkcs1)));
  return toPem("PRIVATE KEY", info);
}

const keys = new Map<string, Promise<CryptoKey>>();

/** A JWT GitHub accepts as the App for up to ten minutes; backdated a minute for clock drift. */
export async function appJwt(appId: string, privateKey: string, now = Date.now()): Promise<string> {
  let key = keys.get(privateKey);
  if (!key) {
    key = importPKCS8(pkcs8Pem(privateKey), "RS256");
    keys.set(privateKey, key);
    key.catch(() => keys.delete(privateKey));
  }
  const seconds = Math.floor(now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .setIssuer(appId)
    .setIssuedAt(seconds - 60)
    .setExpirationTime(seconds + 9 * 60)
    .sign(await key);
}
