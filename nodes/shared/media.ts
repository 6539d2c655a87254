/**
 * Media travels to Wappfly as a base64 string inside a JSON body. Files can be large, so the
 * body is produced piece by piece with its length known in advance, instead of being assembled
 * in memory: the bytes are either already base64 (n8n keeps in-memory binary data that way) or
 * a stream of bytes that is encoded on the fly.
 */
export type ByteChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export type MediaBytes =
	| { kind: 'base64'; base64: string; byteLength: number }
	| { kind: 'stream'; byteLength: number; open: () => Promise<ByteChunks> };

const BASE64_SLICE = 1 << 20;

/** Default Max Media Size (MB) of the media sends and of the trigger's Download Media. */
export const DEFAULT_MAX_MEDIA_MB = 64;

export function base64EncodedLength(byteLength: number): number {
	return Math.ceil(byteLength / 3) * 4;
}

/** Encodes a byte stream to base64, carrying the 0–2 bytes that do not fill a 3-byte group. */
export async function* base64Encode(chunks: ByteChunks): AsyncGenerator<string> {
	let carry = Buffer.alloc(0);
	for await (const chunk of chunks) {
		const bytes = carry.length
			? Buffer.concat([carry, chunk])
			: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		const usable = bytes.length - (bytes.length % 3);
		if (usable > 0) yield bytes.toString('base64', 0, usable);
		carry = Buffer.from(bytes.subarray(usable));
	}
	if (carry.length) yield carry.toString('base64');
}

/** Passes the chunks through, failing when their total differs from what was announced. */
async function* exactly(chunks: ByteChunks, expected: number): AsyncGenerator<Uint8Array> {
	let seen = 0;
	for await (const chunk of chunks) {
		seen += chunk.byteLength;
		if (seen > expected)
			throw new Error(`the media is longer than the announced ${expected} bytes`);
		yield chunk;
	}
	if (seen !== expected) {
		throw new Error(`the media ended after ${seen} of the announced ${expected} bytes`);
	}
}

/**
 * A request body of known size that is produced only while it is sent. It has the shape of a
 * Blob (`size`, `type`, `stream()`), which HTTP clients send with its Content-Length by
 * reading the stream, never holding the whole body.
 */
export class StreamedJsonBody {
	readonly type = 'application/json';

	constructor(
		readonly size: number,
		private readonly parts: () => AsyncIterable<string | Uint8Array>,
	) {}

	get [Symbol.toStringTag](): string {
		return 'Blob';
	}

	stream(): ReadableStream<Uint8Array> {
		const iterator = this.parts()[Symbol.asyncIterator]();
		const encoder = new TextEncoder();
		return new ReadableStream<Uint8Array>({
			async pull(controller) {
				const { value, done } = await iterator.next();
				if (done) controller.close();
				else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
			},
			async cancel() {
				await iterator.return?.(undefined);
			},
		});
	}
}

/**
 * The JSON body `{...fields, "file": "<base64>"}`, streamed, with its exact byte length.
 * `fields` must not contain `file`.
 */
export function jsonBodyWithFile(
	fields: Record<string, string | undefined>,
	media: MediaBytes,
): StreamedJsonBody {
	const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
	const head = JSON.stringify(defined);
	const prefix = `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"file":"`;
	const suffix = '"}';
	const size =
		Buffer.byteLength(prefix) + base64EncodedLength(media.byteLength) + Buffer.byteLength(suffix);

	async function* parts(): AsyncGenerator<string | Uint8Array> {
		yield prefix;
		if (media.kind === 'base64') {
			// Slices of a flat string are views, so only one slice at a time becomes bytes.
			for (let start = 0; start < media.base64.length; start += BASE64_SLICE) {
				yield media.base64.slice(start, start + BASE64_SLICE);
			}
		} else {
			yield* base64Encode(exactly(await media.open(), media.byteLength));
		}
		yield suffix;
	}
	return new StreamedJsonBody(size, parts);
}

export type Base64Parse =
	| { ok: true; base64: string; byteLength: number; mimeType?: string }
	| { ok: false; reason: string };

const DATA_URL = /^data:([^;,]*)(?:;[^,]*)?;base64,/i;

/**
 * Accepts a base64 (or base64url) string, with or without a `data:<mime>;base64,` prefix,
 * line breaks or missing padding, and returns it in the canonical padded form the API checks.
 */
export function parseBase64(input: unknown): Base64Parse {
	if (input === undefined || input === null) return { ok: false, reason: 'it is empty' };
	if (typeof input !== 'string') return { ok: false, reason: 'it is not text' };
	let value = input.trim();
	let mimeType: string | undefined;
	const dataUrl = DATA_URL.exec(value);
	if (dataUrl) {
		mimeType = dataUrl[1] || undefined;
		value = value.slice(dataUrl[0].length);
	}
	value = value.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
	const unpadded = value.replace(/={1,2}$/, '');
	if (unpadded === '') return { ok: false, reason: 'it is empty' };
	if (!/^[A-Za-z0-9+/]*$/.test(unpadded)) {
		return { ok: false, reason: 'it contains characters that are not base64' };
	}
	if (unpadded.length % 4 === 1) return { ok: false, reason: 'its length is not valid base64' };
	const padded = unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '=');
	const byteLength = (unpadded.length * 3) >> 2;
	return { ok: true, base64: padded, byteLength, mimeType };
}

/** Byte length of canonical base64, without decoding it. */
export function base64ByteLength(base64: string): number {
	const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
	return (base64.length / 4) * 3 - padding;
}

const MIME_BY_EXTENSION: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	gif: 'image/gif',
	webp: 'image/webp',
	mp4: 'video/mp4',
	m4v: 'video/mp4',
	'3gp': 'video/3gpp',
	webm: 'video/webm',
	mov: 'video/quicktime',
	ogg: 'audio/ogg',
	oga: 'audio/ogg',
	opus: 'audio/ogg',
	mp3: 'audio/mpeg',
	m4a: 'audio/mp4',
	aac: 'audio/aac',
	amr: 'audio/amr',
	wav: 'audio/wav',
	pdf: 'application/pdf',
	txt: 'text/plain',
	csv: 'text/csv',
	json: 'application/json',
	zip: 'application/zip',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xls: 'application/vnd.ms-excel',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	ppt: 'application/vnd.ms-powerpoint',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** A MIME type that says something: not empty and not the generic `application/octet-stream`. */
export function knownMimeType(mimeType: string | undefined): string | undefined {
	const essence = mimeType?.split(';')[0].trim().toLowerCase();
	return essence && essence !== 'application/octet-stream' ? mimeType : undefined;
}

export function mimeTypeFromFileName(fileName: string | undefined): string | undefined {
	const extension = fileName?.split('.').pop()?.toLowerCase();
	return extension && fileName?.includes('.') ? MIME_BY_EXTENSION[extension] : undefined;
}

export function extensionFromMimeType(mimeType: string | undefined): string | undefined {
	const essence = mimeType?.split(';')[0].trim().toLowerCase();
	const preferred: Record<string, string> = {
		'image/jpeg': 'jpg',
		'audio/ogg': 'ogg',
		'video/mp4': 'mp4',
	};
	if (!essence) return undefined;
	return (
		preferred[essence] ??
		Object.entries(MIME_BY_EXTENSION).find(([, type]) => type === essence)?.[0]
	);
}

/** The file name of a URL's last path segment, if it looks like one. */
export function fileNameFromUrl(url: string): string | undefined {
	try {
		const last = new URL(url).pathname.split('/').pop();
		return last && last.includes('.') ? decodeURIComponent(last) : undefined;
	} catch {
		return undefined;
	}
}

/** `attachment; filename="a.pdf"; filename*=UTF-8''%C3%A4.pdf` -> the best file name in it. */
export function fileNameFromContentDisposition(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const extended = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(header);
	if (extended) {
		try {
			return decodeURIComponent(extended[1].trim());
		} catch {
			// fall back to the plain filename parameter
		}
	}
	const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(header);
	return (plain?.[1] ?? plain?.[2])?.trim() || undefined;
}
