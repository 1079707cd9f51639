import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { detectFileType } from './detect';

/**
 * Largest accepted image, in pixels (per page). A 600 dpi A4 scan is ~35 MP; anything much larger is a
 * decompression bomb or a mistake. sharp checks this from the header before decoding.
 */
export const MAX_INPUT_PIXELS = 100_000_000;

/** Largest `maxSide` callers may ask for. */
export const MAX_OUTPUT_SIDE = 10_000;

export interface ImageInfo {
  /** Width as displayed, i.e. after the EXIF orientation is applied (of the first page). */
  width: number;
  /** Height as displayed, i.e. after the EXIF orientation is applied (of the first page). */
  height: number;
  /** Number of pages (multi-page TIFF), 1 for single images. */
  pages: number;
  /** sharp's format name: 'jpeg', 'png' or 'tiff'. */
  format: string;
}

/** The image is larger than {@link MAX_INPUT_PIXELS} (possibly a decompression bomb). */
export class ImageTooLargeError extends Error {
  readonly code = 'IMAGE_TOO_LARGE';
  readonly limit = MAX_INPUT_PIXELS;

  constructor(options?: { cause?: unknown }) {
    super(`image exceeds the limit of ${MAX_INPUT_PIXELS} pixels`, options);
    this.name = 'ImageTooLargeError';
  }
}

/** The input is not a JPEG, PNG or TIFF image (by content). */
export class UnsupportedImageError extends Error {
  readonly code = 'UNSUPPORTED_IMAGE';

  constructor(reason: string) {
    super(`not a supported image: ${reason}`);
    this.name = 'UnsupportedImageError';
  }
}

/** The image claims a supported format but cannot be decoded (corrupt or truncated). */
export class InvalidImageError extends Error {
  readonly code = 'INVALID_IMAGE';

  constructor(detail: string, options?: { cause?: unknown }) {
    super(`image cannot be decoded: ${detail}`, options);
    this.name = 'InvalidImageError';
  }
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/tiff']);

/**
 * Refuses anything but JPEG/PNG/TIFF before libvips sees it: sharp would otherwise happily parse SVG,
 * GIF, HEIF, … which the document service never accepts.
 */
function assertSupported(input: Buffer): void {
  const detected = detectFileType(input);
  if (!detected.ok) throw new UnsupportedImageError(detected.reason);
  if (!IMAGE_TYPES.has(detected.mediaType)) {
    throw new UnsupportedImageError(`${detected.mediaType} is not an image`);
  }
}

function load(input: Buffer, options: SharpOptions = {}): Sharp {
  assertSupported(input);
  // failOn 'warning' (sharp's default, spelled out): truncated or damaged pixel data is an error.
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning', ...options });
}

function translate(error: unknown): Error {
  if (
    error instanceof UnsupportedImageError ||
    error instanceof ImageTooLargeError ||
    error instanceof InvalidImageError ||
    error instanceof RangeError
  ) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/exceeds pixel limit/i.test(message)) return new ImageTooLargeError({ cause: error });
  return new InvalidImageError(message, { cause: error });
}

function checkSide(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_OUTPUT_SIDE) {
    throw new RangeError(
      `${name} must be an integer between 1 and ${MAX_OUTPUT_SIDE}, got ${value}`,
    );
  }
}

/** Dimensions (as displayed), page count and format. Only the header is read. */
export async function imageInfo(input: Buffer): Promise<ImageInfo> {
  try {
    const meta = await load(input).metadata();
    const oriented = meta.autoOrient ?? { width: meta.width, height: meta.height };
    return {
      width: oriented.width,
      height: oriented.height,
      pages: meta.pages ?? 1,
      format: meta.format,
    };
  } catch (error) {
    throw translate(error);
  }
}

async function renderJpeg(input: Buffer, maxSide: number, page: number): Promise<Buffer> {
  try {
    return await load(input, { page, pages: 1 })
      .autoOrient()
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      // JPEG has no alpha: transparent areas become white, as on paper.
      .flatten({ background: '#ffffff' })
      // sharp writes sRGB (CMYK and greyscale input are converted).
      .jpeg({ quality: 80 })
      .toBuffer();
  } catch (error) {
    throw translate(error);
  }
}

/**
 * A JPEG thumbnail no larger than `maxSide` on either side (never enlarged), EXIF orientation applied,
 * first page of a multi-page TIFF. Metadata (EXIF, GPS, ICC) is not copied.
 */
export async function thumbnail(input: Buffer, maxSide = 256): Promise<Buffer> {
  checkSide('maxSide', maxSide);
  return renderJpeg(input, maxSide, 0);
}

/** A JPEG of one page (zero-based) for the online viewer, no larger than `maxSide` on either side. */
export async function preview(input: Buffer, maxSide = 1600, page = 0): Promise<Buffer> {
  checkSide('maxSide', maxSide);
  if (!Number.isInteger(page) || page < 0) {
    throw new RangeError(`page must be a non-negative integer, got ${page}`);
  }
  const { pages } = await imageInfo(input);
  if (page >= pages) {
    throw new RangeError(`page ${page} does not exist, the image has ${pages} page(s)`);
  }
  return renderJpeg(input, maxSide, page);
}
