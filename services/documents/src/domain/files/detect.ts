/**
 * Content-based file type detection for uploaded documents.
 *
 * Only four types are accepted: JPEG, PNG, TIFF and PDF. Everything else is refused; executables and
 * scripts are refused explicitly (`executable: true`) so callers can log / alert on them differently.
 * The declared (client supplied) media type is never trusted: use {@link declaredTypeMatches} to compare
 * it with what the bytes say.
 */

/** How many leading bytes callers should hand to {@link detectFileType}. */
export const DETECTION_BYTES = 4096;

/** The PDF header may be preceded by up to 1024 bytes of junk (ISO 32000-2, Annex H / Acrobat rule). */
export const PDF_HEADER_WINDOW = 1024;

export type AcceptedMediaType = 'image/jpeg' | 'image/png' | 'image/tiff' | 'application/pdf';

export type DetectionResult =
  | { ok: true; mediaType: AcceptedMediaType; extension: string }
  | { ok: false; reason: string; executable: boolean };

const EXTENSIONS: Record<AcceptedMediaType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/tiff': 'tif',
  'application/pdf': 'pdf',
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PDF_HEADER = Buffer.from('%PDF-', 'latin1');

function startsWith(head: Buffer, bytes: readonly number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    if (head[offset + i] !== bytes[i]) return false;
  }
  return true;
}

function accepted(mediaType: AcceptedMediaType): DetectionResult {
  return { ok: true, mediaType, extension: EXTENSIONS[mediaType] };
}

function refused(reason: string, executable = false): DetectionResult {
  return { ok: false, reason, executable };
}

/** Executable formats and scripts; checked before everything else so polyglots are refused. */
function detectExecutable(head: Buffer): string | undefined {
  // MS-DOS / Windows: "MZ". A PE image has "PE\0\0" at the offset stored at 0x3C.
  if (startsWith(head, [0x4d, 0x5a])) {
    if (head.length >= 0x40) {
      const peOffset = head.readUInt32LE(0x3c);
      if (startsWith(head, [0x50, 0x45, 0x00, 0x00], peOffset)) {
        return 'Windows PE executable';
      }
    }
    return 'MS-DOS/Windows executable (MZ)';
  }
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return 'ELF executable';
  // Mach-O thin binaries, both word sizes, both byte orders.
  if (
    startsWith(head, [0xfe, 0xed, 0xfa, 0xce]) ||
    startsWith(head, [0xce, 0xfa, 0xed, 0xfe]) ||
    startsWith(head, [0xfe, 0xed, 0xfa, 0xcf]) ||
    startsWith(head, [0xcf, 0xfa, 0xed, 0xfe])
  ) {
    return 'Mach-O executable';
  }
  // 0xCAFEBABE is shared by Mach-O universal ("fat") binaries and Java class files. The next
  // big-endian word is the architecture count for a fat binary (small) and minor/major version for a
  // class file (major version >= 45), the same heuristic file(1) uses.
  if (startsWith(head, [0xca, 0xfe, 0xba, 0xbe])) {
    if (head.length >= 8) {
      const next = head.readUInt32BE(4);
      if (next >= 1 && next < 45) return 'Mach-O universal (fat) binary';
      return 'Java class file';
    }
    return 'Mach-O universal binary or Java class file';
  }
  // 64-bit fat header, and fat headers written in the opposite byte order (FAT_CIGAM / FAT_CIGAM_64).
  if (
    startsWith(head, [0xca, 0xfe, 0xba, 0xbf]) ||
    startsWith(head, [0xbe, 0xba, 0xfe, 0xca]) ||
    startsWith(head, [0xbf, 0xba, 0xfe, 0xca])
  ) {
    return 'Mach-O universal (fat) binary';
  }
  if (startsWith(head, [0x23, 0x21])) return 'script (#! shebang)';
  if (startsWith(head, [0x00, 0x61, 0x73, 0x6d])) return 'WebAssembly module';
  if (startsWith(head, [0x64, 0x65, 0x78, 0x0a])) return 'Android DEX bytecode';
  return undefined;
}

/** Recognised but not accepted formats, so the refusal reason is useful to a human. */
function describeOther(head: Buffer): string | undefined {
  if (
    startsWith(head, [0x50, 0x4b, 0x03, 0x04]) ||
    startsWith(head, [0x50, 0x4b, 0x05, 0x06]) ||
    startsWith(head, [0x50, 0x4b, 0x07, 0x08])
  ) {
    return 'ZIP archive (including JAR/APK/Office documents) is not an accepted document type';
  }
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return 'OLE compound file (legacy Office/MSI) is not an accepted document type';
  }
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return 'GIF image is not an accepted type';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) {
    return 'WebP image is not an accepted type';
  }
  if (startsWith(head, [0x66, 0x74, 0x79, 0x70], 4)) {
    // ISO base media file: HEIC/HEIF/AVIF photos (common from phones), or video.
    return 'HEIC/HEIF/AVIF or ISO media file is not an accepted type';
  }
  return undefined;
}

function findPdfHeader(head: Buffer): number {
  const window = head.subarray(0, PDF_HEADER_WINDOW + PDF_HEADER.length + 1);
  let from = 0;
  for (;;) {
    const at = window.indexOf(PDF_HEADER, from);
    if (at < 0 || at >= PDF_HEADER_WINDOW) return -1;
    const version = window[at + PDF_HEADER.length];
    // "%PDF-" followed by a version digit ("%PDF-1.7", "%PDF-2.0").
    if (version !== undefined && version >= 0x30 && version <= 0x39) return at;
    from = at + 1;
  }
}

/**
 * Detects the type of a file from its first bytes (pass at least {@link DETECTION_BYTES}, fewer only
 * when the file is shorter). The content decides; file names and declared types are ignored.
 */
export function detectFileType(head: Buffer): DetectionResult {
  if (head.length === 0) return refused('empty file');

  const executable = detectExecutable(head);
  if (executable !== undefined) return refused(`${executable} is not allowed`, true);

  if (startsWith(head, [0xff, 0xd8, 0xff])) return accepted('image/jpeg');
  if (startsWith(head, [...PNG_SIGNATURE])) return accepted('image/png');
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) {
    return accepted('image/tiff');
  }
  // BigTIFF: version 43, offset byte size 8, reserved 0.
  if (
    startsWith(head, [0x49, 0x49, 0x2b, 0x00, 0x08, 0x00, 0x00, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2b, 0x00, 0x08, 0x00, 0x00])
  ) {
    return accepted('image/tiff');
  }
  if (findPdfHeader(head) >= 0) return accepted('application/pdf');

  return refused(describeOther(head) ?? 'unknown file type');
}

/** Aliases seen in the wild (old browsers, mail clients, Windows registry entries) → canonical type. */
const ALIASES: Record<string, AcceptedMediaType> = {
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/x-png': 'image/png',
  'image/tiff': 'image/tiff',
  'image/tif': 'image/tiff',
  'image/x-tiff': 'image/tiff',
  'application/pdf': 'application/pdf',
  'application/x-pdf': 'application/pdf',
};

function canonical(mediaType: string): string | undefined {
  const essence = mediaType.split(';', 1)[0].trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence)) return undefined;
  return ALIASES[essence] ?? essence;
}

/**
 * Whether a client-declared media type (e.g. a multipart part's Content-Type) is consistent with the
 * detected one. Case-insensitive, parameters (`; charset=…`) are ignored and common aliases accepted.
 */
export function declaredTypeMatches(declared: string, detected: string): boolean {
  const a = canonical(declared);
  const b = canonical(detected);
  return a !== undefined && a === b;
}
