// An attachment's type from its first bytes, never from its name or the server's Content-Type:
// both are whatever the uploader or a compromised host says. Only types an agent can read are kept.

export interface Sniffed {
  contentType: string;
  /** The extension the run's copy gets, so the CLI opens it as what it is. */
  extension: string;
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) => signature.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const BINARY: { signature: readonly number[]; at?: number; also?: { signature: readonly number[]; at: number }; type: Sniffed }[] = [
  { signature: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: { contentType: "image/png", extension: "png" } },
  { signature: [0xff, 0xd8, 0xff], type: { contentType: "image/jpeg", extension: "jpg" } },
  { signature: ascii("GIF87a"), type: { contentType: "image/gif", extension: "gif" } },
  { signature: ascii("GIF89a"), type: { contentType: "image/gif", extension: "gif" } },
  { signature: ascii("RIFF"), also: { signature: ascii("WEBP"), at: 8 }, type: { contentType: "image/webp", extension: "webp" } },
  { signature: ascii("%PDF-"), type: { contentType: "application/pdf", extension: "pdf" } },
];

/** Extensions a text attachment keeps (a log stays `.log`); any other text becomes `.txt`. */
const TEXT_EXTENSIONS = new Set(["txt", "log", "md", "json", "csv", "yaml", "yml", "xml", "html", "diff", "patch", "ts", "js", "py"]);

/** The file's type, or undefined when it is none agent-bot passes on (archives, executables, unknown binaries). */
export function sniff(bytes: Uint8Array, name = ""): Sniffed | undefined {
  for (const { signature, at = 0, also, type } of BINARY) {
    if (startsWith(bytes, signature, at) && (!also || startsWith(bytes, also.signature, also.at))) return type;
  }
  if (!isText(bytes)) return undefined;
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  return { contentType: "text/plain", extension: extension && TEXT_EXTENSIONS.has(extension) ? extension : "txt" };
}

/** UTF-8 without NUL, DEL or other control bytes but tab, newline, carriage return and form feed. */
function isText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f) return false;
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
