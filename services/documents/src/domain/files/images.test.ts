import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';
import { detectFileType } from './detect';
import {
  ImageTooLargeError,
  InvalidImageError,
  MAX_INPUT_PIXELS,
  UnsupportedImageError,
  imageInfo,
  preview,
  thumbnail,
} from './images';

type Rgb = { r: number; g: number; b: number };
const RED: Rgb = { r: 255, g: 0, b: 0 };
const GREEN: Rgb = { r: 0, g: 255, b: 0 };
const BLUE: Rgb = { r: 0, g: 0, b: 255 };

function solid(width: number, height: number, background: Rgb): sharp.Sharp {
  return sharp({ create: { width, height, channels: 3, background } });
}

/** Mean colour of a region of an encoded image. */
async function meanColour(
  image: Buffer,
  region?: { left: number; top: number; width: number; height: number },
): Promise<Rgb> {
  // stats() describes its input, not the pipeline's output: extract to a new image first.
  const pixels = region ? await sharp(image).extract(region).png().toBuffer() : image;
  const { channels } = await sharp(pixels).toColourspace('srgb').stats();
  return { r: channels[0].mean, g: channels[1].mean, b: channels[2].mean };
}

function expectColour(actual: Rgb, expected: Rgb, tolerance = 40): void {
  expect(Math.abs(actual.r - expected.r)).toBeLessThan(tolerance);
  expect(Math.abs(actual.g - expected.g)).toBeLessThan(tolerance);
  expect(Math.abs(actual.b - expected.b)).toBeLessThan(tolerance);
}

async function size(image: Buffer): Promise<{ width: number; height: number; format: string }> {
  const meta = await sharp(image).metadata();
  return { width: meta.width, height: meta.height, format: meta.format };
}

/** A 3-page TIFF (red, green, blue), via sharp's `join` with `animated` and TIFF output. */
async function threePageTiff(options: sharp.TiffOptions = {}): Promise<Buffer> {
  const pages = await Promise.all(
    [RED, GREEN, BLUE].map((colour) => solid(300, 200, colour).png().toBuffer()),
  );
  return sharp(pages, { join: { animated: true } })
    .tiff({ compression: 'lzw', ...options })
    .toBuffer();
}

/** 400×200, left half red, right half blue, stored as-is with EXIF Orientation `orientation`. */
async function orientedJpeg(orientation: number): Promise<Buffer> {
  const raw = Buffer.alloc(400 * 200 * 3);
  for (let y = 0; y < 200; y++) {
    for (let x = 0; x < 400; x++) {
      raw[(y * 400 + x) * 3 + (x < 200 ? 0 : 2)] = 255;
    }
  }
  return sharp(raw, { raw: { width: 400, height: 200, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation })
    .toBuffer();
}

/**
 * A genuine, valid 1-bit greyscale PNG of `side`×`side` white pixels: a few KB that inflate to
 * side²/8 bytes and decode to side² pixels.
 */
function bitmapPng(side: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(side / 8); // filter byte + packed pixels
  const raw = Buffer.alloc(rowBytes * side, 0xff);
  for (let y = 0; y < side; y++) raw[y * rowBytes] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('imageInfo', () => {
  it('JPEG, PNG and TIFF', async () => {
    await expect(imageInfo(await solid(640, 480, RED).jpeg().toBuffer())).resolves.toEqual({
      width: 640,
      height: 480,
      pages: 1,
      format: 'jpeg',
    });
    await expect(imageInfo(await solid(33, 17, GREEN).png().toBuffer())).resolves.toEqual({
      width: 33,
      height: 17,
      pages: 1,
      format: 'png',
    });
    await expect(imageInfo(await solid(10, 20, BLUE).tiff().toBuffer())).resolves.toEqual({
      width: 10,
      height: 20,
      pages: 1,
      format: 'tiff',
    });
  });

  it('counts the pages of a multi-page TIFF (little-endian and BigTIFF)', async () => {
    const tiff = await threePageTiff();
    expect(detectFileType(tiff)).toMatchObject({ ok: true, mediaType: 'image/tiff' });
    await expect(imageInfo(tiff)).resolves.toEqual({
      width: 300,
      height: 200,
      pages: 3,
      format: 'tiff',
    });
    const big = await threePageTiff({ bigtiff: true });
    expect(big.subarray(0, 4)).toEqual(Buffer.from([0x49, 0x49, 0x2b, 0x00]));
    await expect(imageInfo(big)).resolves.toMatchObject({ pages: 3, width: 300, height: 200 });
  });

  it('reports dimensions as displayed for an EXIF-rotated JPEG', async () => {
    const jpeg = await orientedJpeg(6);
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    await expect(imageInfo(jpeg)).resolves.toMatchObject({ width: 200, height: 400 });
  });
});

describe('thumbnail', () => {
  it('is a JPEG fitting in maxSide, aspect ratio kept', async () => {
    const thumb = await thumbnail(await solid(2000, 1000, GREEN).png().toBuffer());
    expect(detectFileType(thumb)).toMatchObject({ ok: true, mediaType: 'image/jpeg' });
    await expect(size(thumb)).resolves.toEqual({ width: 256, height: 128, format: 'jpeg' });
    expectColour(await meanColour(thumb), GREEN);
  });

  it('honours a custom maxSide and does not enlarge small images', async () => {
    const input = await solid(1000, 3000, RED).jpeg().toBuffer();
    await expect(size(await thumbnail(input, 100))).resolves.toMatchObject({
      width: 33,
      height: 100,
    });
    const small = await solid(120, 80, RED).jpeg().toBuffer();
    await expect(size(await thumbnail(small))).resolves.toMatchObject({ width: 120, height: 80 });
  });

  it('applies the EXIF orientation (6: rotate 90° clockwise) and drops the tag', async () => {
    const thumb = await thumbnail(await orientedJpeg(6));
    await expect(size(thumb)).resolves.toMatchObject({ width: 128, height: 256 });
    // The left (red) half of the stored pixels is the top half once rotated.
    expectColour(await meanColour(thumb, { left: 0, top: 0, width: 128, height: 110 }), RED);
    expectColour(await meanColour(thumb, { left: 0, top: 146, width: 128, height: 110 }), BLUE);
    expect((await sharp(thumb).metadata()).orientation).toBeUndefined();
  });

  it('applies a 180° EXIF orientation (3)', async () => {
    const thumb = await thumbnail(await orientedJpeg(3));
    await expect(size(thumb)).resolves.toMatchObject({ width: 256, height: 128 });
    expectColour(await meanColour(thumb, { left: 0, top: 0, width: 110, height: 128 }), BLUE);
    expectColour(await meanColour(thumb, { left: 146, top: 0, width: 110, height: 128 }), RED);
  });

  it('uses the first page of a multi-page TIFF', async () => {
    const thumb = await thumbnail(await threePageTiff());
    await expect(size(thumb)).resolves.toMatchObject({ width: 256, height: 171 });
    expectColour(await meanColour(thumb), RED);
  });

  it('flattens transparency onto white', async () => {
    const transparent = await sharp({
      create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    expectColour(await meanColour(await thumbnail(transparent)), { r: 255, g: 255, b: 255 }, 5);
  });

  it('converts CMYK JPEGs to sRGB', async () => {
    const cmyk = await solid(64, 64, RED).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const thumb = await thumbnail(cmyk);
    const meta = await sharp(thumb).metadata();
    expect(meta.space).toBe('srgb');
    expect(meta.channels).toBe(3);
    expectColour(await meanColour(thumb), RED, 60);
  });

  it('reads a 1-bit CCITT G4 TIFF, as written by document scanners', async () => {
    const fax = await solid(1700, 2200, { r: 255, g: 255, b: 255 })
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1 })
      .toBuffer();
    const thumb = await thumbnail(fax);
    await expect(size(thumb)).resolves.toMatchObject({ width: 198, height: 256, format: 'jpeg' });
    expect((await meanColour(thumb)).r).toBeGreaterThan(250);
  });

  it('rejects invalid maxSide values', async () => {
    const input = await solid(10, 10, RED).png().toBuffer();
    for (const maxSide of [0, -5, 1.5, Number.NaN, 100_000]) {
      await expect(thumbnail(input, maxSide)).rejects.toBeInstanceOf(RangeError);
    }
  });
});

describe('preview', () => {
  it('fits the page in 1600 px by default', async () => {
    const big = await solid(3000, 2000, BLUE).jpeg().toBuffer();
    const out = await preview(big);
    await expect(size(out)).resolves.toEqual({ width: 1600, height: 1067, format: 'jpeg' });
    expectColour(await meanColour(out), BLUE);
  });

  it('renders the requested page of a multi-page TIFF', async () => {
    const tiff = await threePageTiff();
    expectColour(await meanColour(await preview(tiff, 1600, 0)), RED);
    expectColour(await meanColour(await preview(tiff, 1600, 1)), GREEN);
    const last = await preview(tiff, 100, 2);
    expectColour(await meanColour(last), BLUE);
    await expect(size(last)).resolves.toMatchObject({ width: 100, height: 67 });
  });

  it('rejects pages that do not exist', async () => {
    const tiff = await threePageTiff();
    await expect(preview(tiff, 1600, 3)).rejects.toThrow(/page 3 does not exist.*3 page/);
    await expect(preview(tiff, 1600, -1)).rejects.toBeInstanceOf(RangeError);
    await expect(
      preview(await solid(10, 10, RED).png().toBuffer(), 1600, 1),
    ).rejects.toBeInstanceOf(RangeError);
  });
});

describe('decompression bombs', () => {
  it('the bitmap PNG builder produces valid images', async () => {
    const png = bitmapPng(2000);
    const thumb = await thumbnail(png);
    await expect(size(thumb)).resolves.toMatchObject({ width: 256, height: 256 });
    expect((await meanColour(thumb)).r).toBeGreaterThan(250);
  });

  it(`refuses an image over ${MAX_INPUT_PIXELS} pixels before decoding it`, async () => {
    const bomb = bitmapPng(12_000); // 144 megapixels
    expect(bomb.length).toBeLessThan(100_000);
    // Really that large: sharp without the limit reads it as 12000×12000.
    const meta = await sharp(bomb, { limitInputPixels: false }).metadata();
    expect(meta.width * meta.height).toBe(144_000_000);

    const started = Date.now();
    for (const run of [() => imageInfo(bomb), () => thumbnail(bomb), () => preview(bomb)]) {
      const error: unknown = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ImageTooLargeError);
      expect((error as ImageTooLargeError).message).toBe(
        'image exceeds the limit of 100000000 pixels',
      );
      expect((error as ImageTooLargeError).code).toBe('IMAGE_TOO_LARGE');
    }
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('accepts an image just under the limit (header only)', async () => {
    await expect(imageInfo(bitmapPng(10_000))).resolves.toMatchObject({
      width: 10_000,
      height: 10_000,
    });
  });
});

describe('corrupt and unsupported input', () => {
  it('random bytes are not an image', async () => {
    const noise = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) % 251));
    await expect(imageInfo(noise)).rejects.toBeInstanceOf(UnsupportedImageError);
    await expect(thumbnail(noise)).rejects.toBeInstanceOf(UnsupportedImageError);
  });

  it('refuses PDF, SVG, GIF and empty input without handing them to libvips', async () => {
    const inputs = [
      Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n'),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
      await solid(10, 10, RED).gif().toBuffer(),
      Buffer.alloc(0),
    ];
    for (const input of inputs) {
      await expect(thumbnail(input)).rejects.toBeInstanceOf(UnsupportedImageError);
    }
  });

  it('a JPEG signature followed by garbage', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 0x41)]);
    await expect(imageInfo(fake)).rejects.toBeInstanceOf(InvalidImageError);
    await expect(thumbnail(fake)).rejects.toThrow(/^image cannot be decoded: /);
  });

  it('a truncated JPEG: the header reads, the pixels do not', async () => {
    const full = await sharp({
      create: {
        width: 300,
        height: 300,
        channels: 3,
        background: RED,
        noise: { type: 'gaussian', mean: 128, sigma: 30 },
      },
    })
      .jpeg()
      .toBuffer();
    const truncated = full.subarray(0, Math.floor(full.length / 2));
    await expect(imageInfo(truncated)).resolves.toMatchObject({ width: 300, height: 300 });
    await expect(thumbnail(truncated)).rejects.toBeInstanceOf(InvalidImageError);
    await expect(thumbnail(full)).resolves.toBeInstanceOf(Buffer);
  });

  it('a PNG with damaged compressed data', async () => {
    const png = await solid(200, 200, GREEN).png({ compressionLevel: 0 }).toBuffer();
    const idat = png.indexOf('IDAT');
    const damaged = Buffer.from(png);
    for (let i = idat + 10; i < idat + 400; i++) damaged[i] = 0xaa;
    await expect(thumbnail(damaged)).rejects.toBeInstanceOf(InvalidImageError);
  });

  it('a truncated TIFF', async () => {
    const tiff = await solid(300, 300, BLUE).tiff({ compression: 'none' }).toBuffer();
    // Uncompressed strips come first and the IFD last (libvips layout): cut inside the pixel data.
    await expect(thumbnail(tiff.subarray(0, 5000))).rejects.toBeInstanceOf(InvalidImageError);
  });
});
