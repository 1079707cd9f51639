import { DETECTION_BYTES, declaredTypeMatches, detectFileType } from './detect';

/** Bytes followed by filler, so fixtures look like the head of a real file. */
function fixture(prefix: number[] | string, fill = 0x00, length = 64): Buffer {
  const start = typeof prefix === 'string' ? Buffer.from(prefix, 'latin1') : Buffer.from(prefix);
  const out = Buffer.alloc(Math.max(length, start.length), fill);
  start.copy(out);
  return out;
}

function expectAccepted(head: Buffer, mediaType: string, extension: string): void {
  expect(detectFileType(head)).toEqual({ ok: true, mediaType, extension });
}

function expectRefused(head: Buffer, executable: boolean, reason?: RegExp): void {
  const result = detectFileType(head);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.executable).toBe(executable);
  if (reason) expect(result.reason).toMatch(reason);
}

describe('DETECTION_BYTES', () => {
  it('covers the whole PDF header window', () => {
    expect(DETECTION_BYTES).toBeGreaterThanOrEqual(1024 + 8);
  });
});

describe('detectFileType: accepted types', () => {
  it('JPEG (JFIF, EXIF and raw SOI+marker)', () => {
    expectAccepted(fixture([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]), 'image/jpeg', 'jpg');
    expectAccepted(fixture([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10, 0x45, 0x78]), 'image/jpeg', 'jpg');
    expectAccepted(Buffer.from([0xff, 0xd8, 0xff]), 'image/jpeg', 'jpg');
  });

  it('PNG requires the full 8-byte signature', () => {
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    expectAccepted(
      fixture([...png, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
      'image/png',
      'png',
    );
    // Line-ending mangled by a text-mode transfer: CRLF -> LF.
    expectRefused(fixture([0x89, 0x50, 0x4e, 0x47, 0x0a, 0x1a, 0x0a, 0x00]), false);
    // Truncated signature.
    expectRefused(Buffer.from(png.slice(0, 7)), false);
  });

  it('TIFF little- and big-endian', () => {
    expectAccepted(fixture([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]), 'image/tiff', 'tif');
    expectAccepted(fixture([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08]), 'image/tiff', 'tif');
    // Mixed byte order marks are not TIFF.
    expectRefused(fixture([0x49, 0x49, 0x00, 0x2a]), false);
    expectRefused(fixture([0x4d, 0x4d, 0x2a, 0x00]), false);
  });

  it('BigTIFF little- and big-endian, with the offset-size field checked', () => {
    expectAccepted(
      fixture([0x49, 0x49, 0x2b, 0x00, 0x08, 0x00, 0x00, 0x00, 0x10]),
      'image/tiff',
      'tif',
    );
    expectAccepted(
      fixture([0x4d, 0x4d, 0x00, 0x2b, 0x00, 0x08, 0x00, 0x00, 0x00]),
      'image/tiff',
      'tif',
    );
    expectRefused(fixture([0x49, 0x49, 0x2b, 0x00, 0x04, 0x00, 0x00, 0x00]), false);
    expectRefused(Buffer.from([0x49, 0x49, 0x2b, 0x00]), false);
  });

  it('PDF at offset 0', () => {
    expectAccepted(fixture('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 0x20), 'application/pdf', 'pdf');
    expectAccepted(fixture('%PDF-2.0\n', 0x20), 'application/pdf', 'pdf');
  });

  it('PDF header preceded by junk within the first 1024 bytes', () => {
    const head = Buffer.alloc(DETECTION_BYTES, 0x20);
    head.write('%PDF-1.4', 1000, 'latin1');
    expectAccepted(head, 'application/pdf', 'pdf');
    const edge = Buffer.alloc(DETECTION_BYTES, 0x20);
    edge.write('%PDF-1.4', 1023, 'latin1');
    expectAccepted(edge, 'application/pdf', 'pdf');
  });

  it('PDF header starting at or after byte 1024 is refused', () => {
    const head = Buffer.alloc(DETECTION_BYTES, 0x20);
    head.write('%PDF-1.4', 1024, 'latin1');
    expectRefused(head, false, /unknown/);
  });

  it('"%PDF-" must be followed by a version digit', () => {
    expectRefused(fixture('%PDF-xyz', 0x20), false);
    expectAccepted(fixture('%PDF-x %PDF-1.5', 0x20), 'application/pdf', 'pdf');
  });
});

describe('detectFileType: executables and scripts', () => {
  it('MZ without a PE header', () => {
    expectRefused(fixture([0x4d, 0x5a, 0x90, 0x00]), true, /MZ/);
    expectRefused(Buffer.from('MZ'), true);
  });

  it('PE: MZ with e_lfanew pointing at PE\\0\\0', () => {
    const pe = Buffer.alloc(256);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    expectRefused(pe, true, /PE executable/);
  });

  it('ELF', () => {
    expectRefused(fixture([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), true, /ELF/);
  });

  it.each([
    ['32-bit big-endian', [0xfe, 0xed, 0xfa, 0xce]],
    ['32-bit little-endian', [0xce, 0xfa, 0xed, 0xfe]],
    ['64-bit big-endian', [0xfe, 0xed, 0xfa, 0xcf]],
    ['64-bit little-endian', [0xcf, 0xfa, 0xed, 0xfe]],
  ])('Mach-O %s', (_name, magic) => {
    expectRefused(fixture([...magic, 0x07, 0x00, 0x00, 0x01]), true, /Mach-O executable/);
  });

  it('Mach-O universal binary (CAFEBABE, 2 architectures)', () => {
    expectRefused(fixture([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x02]), true, /fat/);
  });

  it('Mach-O universal binary, 64-bit header and swapped byte order', () => {
    expectRefused(fixture([0xca, 0xfe, 0xba, 0xbf, 0x00, 0x00, 0x00, 0x02]), true, /fat/);
    expectRefused(fixture([0xbe, 0xba, 0xfe, 0xca, 0x02, 0x00, 0x00, 0x00]), true, /fat/);
    expectRefused(fixture([0xbf, 0xba, 0xfe, 0xca, 0x02, 0x00, 0x00, 0x00]), true, /fat/);
  });

  it('Java class file (CAFEBABE, major version 52 / 65, with a preview minor version)', () => {
    expectRefused(fixture([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x34]), true, /Java class/);
    expectRefused(fixture([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x41]), true, /Java class/);
    expectRefused(fixture([0xca, 0xfe, 0xba, 0xbe, 0xff, 0xff, 0x00, 0x41]), true, /Java class/);
  });

  it('CAFEBABE too short to disambiguate is still refused as executable', () => {
    expectRefused(Buffer.from([0xca, 0xfe, 0xba, 0xbe]), true);
  });

  it('shebang scripts', () => {
    expectRefused(Buffer.from('#!/bin/sh\nrm -rf /\n'), true, /shebang/);
    expectRefused(Buffer.from('#!/usr/bin/env node\n'), true, /shebang/);
  });

  it('WebAssembly and DEX', () => {
    expectRefused(fixture([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]), true, /WebAssembly/);
    expectRefused(fixture('dex\n035\0'), true, /DEX/);
  });

  it('executable/PDF polyglots are refused as executables', () => {
    const mz = Buffer.alloc(512, 0x00);
    mz.write('MZ', 0, 'latin1');
    mz.write('%PDF-1.4', 100, 'latin1');
    expectRefused(mz, true);
    expectRefused(Buffer.from('#!/bin/sh\n%PDF-1.4\n'), true);
  });
});

describe('detectFileType: other content is unknown, not executable', () => {
  it('empty buffer', () => {
    expectRefused(Buffer.alloc(0), false, /empty/);
  });

  it.each([
    ['ZIP', [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]],
    ['empty ZIP', [0x50, 0x4b, 0x05, 0x06, 0x00, 0x00]],
    ['spanned ZIP', [0x50, 0x4b, 0x07, 0x08, 0x00, 0x00]],
  ])('%s (also JAR/APK/DOCX)', (_name, magic) => {
    expectRefused(fixture(magic), false, /ZIP/);
  });

  it('JAR: a ZIP whose first entry is META-INF/ is still just ZIP', () => {
    const jar = fixture([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x08, 0x08], 0x00, 64);
    jar.write('META-INF/MANIFEST.MF', 30, 'latin1');
    expectRefused(jar, false, /ZIP/);
  });

  it('OLE compound file (.doc/.xls/.msi)', () => {
    expectRefused(fixture([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), false, /OLE/);
  });

  it('other image formats are named in the reason', () => {
    expectRefused(fixture('GIF89a'), false, /GIF/);
    expectRefused(fixture('RIFF\x24\x00\x00\x00WEBPVP8 '), false, /WebP/);
    expectRefused(fixture('\x00\x00\x00\x18ftypheic'), false, /HEIC/);
  });

  it.each([
    ['HTML', '<!DOCTYPE html><html><script>alert(1)</script></html>'],
    ['JavaScript', 'const x = require("child_process");'],
    ['SVG', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    ['plain text', 'Hello, this is not a document.'],
    ['BOM + HTML', '\xef\xbb\xbf<html></html>'],
  ])('%s', (_name, text) => {
    expectRefused(Buffer.from(text, 'latin1'), false, /unknown/);
  });

  it('short prefixes of accepted signatures are unknown', () => {
    expectRefused(Buffer.from([0xff, 0xd8]), false);
    expectRefused(Buffer.from([0x49, 0x49, 0x2a]), false);
    expectRefused(Buffer.from('%PDF'), false);
  });
});

describe('declaredTypeMatches', () => {
  it.each([
    ['image/jpeg', 'image/jpeg'],
    ['image/jpg', 'image/jpeg'],
    ['image/pjpeg', 'image/jpeg'],
    ['IMAGE/JPEG', 'image/jpeg'],
    ['image/png', 'image/png'],
    ['image/x-png', 'image/png'],
    ['image/tiff', 'image/tiff'],
    ['image/tif', 'image/tiff'],
    ['image/x-tiff', 'image/tiff'],
    ['application/pdf', 'application/pdf'],
    ['application/x-pdf', 'application/pdf'],
    ['Application/PDF; charset=binary', 'application/pdf'],
    ['  image/png ; name="scan.png"', 'image/png'],
  ])('%s matches %s', (declared, detected) => {
    expect(declaredTypeMatches(declared, detected)).toBe(true);
  });

  it.each([
    ['image/png', 'image/jpeg'],
    ['application/octet-stream', 'application/pdf'],
    ['image/*', 'image/jpeg'],
    ['', 'image/jpeg'],
    ['image/jpeg, image/png', 'image/jpeg'],
    ['jpeg', 'image/jpeg'],
    ['image/svg+xml', 'image/png'],
    ['text/html', 'application/pdf'],
  ])('%s does not match %s', (declared, detected) => {
    expect(declaredTypeMatches(declared, detected)).toBe(false);
  });
});
