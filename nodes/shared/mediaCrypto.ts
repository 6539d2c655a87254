/**
 * WhatsApp media encryption, as Baileys receives it: the file on WhatsApp's CDN is
 * AES-256-CBC ciphertext followed by a 10-byte truncated HMAC-SHA256 over IV + ciphertext, with
 * the IV and both keys derived from the message's 32-byte `mediaKey` by HKDF-SHA256 (empty salt)
 * to 112 bytes, using an info string per media type. Pure: bytes in, bytes out.
 */
import { createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

import type { MediaKind } from './message';

export const MEDIA_KEY_INFO: Record<MediaKind, string> = {
	image: 'WhatsApp Image Keys',
	sticker: 'WhatsApp Image Keys',
	video: 'WhatsApp Video Keys',
	audio: 'WhatsApp Audio Keys',
	document: 'WhatsApp Document Keys',
};

const MAC_LENGTH = 10;
const BLOCK = 16;

export class MediaDecryptionError extends Error {
	name = 'MediaDecryptionError';
}

export interface MediaKeys {
	iv: Buffer;
	cipherKey: Buffer;
	macKey: Buffer;
}

/** IV = bytes 0–16, AES key = 16–48, MAC key = 48–80 of the 112 expanded bytes. */
export function deriveMediaKeys(mediaKey: Buffer, kind: MediaKind): MediaKeys {
	if (mediaKey.length !== 32) {
		throw new MediaDecryptionError(`the media key has ${mediaKey.length} bytes instead of 32`);
	}
	const expanded = Buffer.from(
		hkdfSync('sha256', mediaKey, Buffer.alloc(0), MEDIA_KEY_INFO[kind], 112),
	);
	return {
		iv: expanded.subarray(0, 16),
		cipherKey: expanded.subarray(16, 48),
		macKey: expanded.subarray(48, 80),
	};
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Bytes as they appear in a JSON payload: base64 (or base64url) text, a serialised Node Buffer
 * (`{type: 'Buffer', data: [...] | 'base64'}`), an array of bytes, or a serialised Uint8Array
 * (`{"0": 12, "1": 34, ...}`).
 */
export function bytesFromJson(value: unknown): Buffer | undefined {
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '' || !BASE64.test(text)) return undefined;
		return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
	}
	if (Array.isArray(value)) {
		return value.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255)
			? Buffer.from(value as number[])
			: undefined;
	}
	if (typeof value === 'object' && value !== null) {
		const record = value as Record<string, unknown>;
		if (record.type === 'Buffer' && 'data' in record) return bytesFromJson(record.data);
		const keys = Object.keys(record);
		if (keys.length && keys.every((key, index) => key === String(index))) {
			return bytesFromJson(keys.map((key) => record[key]));
		}
	}
	return undefined;
}

export interface DecryptOptions {
	mediaKey: Buffer;
	kind: MediaKind;
	/** SHA-256 of the plain file; checked when given. */
	fileSha256?: Buffer;
}

/**
 * Checks the MAC, decrypts, and checks the plain file's SHA-256. Throws a MediaDecryptionError
 * naming the first check that fails; never returns bytes that did not pass them.
 */
export function decryptMedia(file: Buffer, options: DecryptOptions): Buffer {
	const { iv, cipherKey, macKey } = deriveMediaKeys(options.mediaKey, options.kind);
	if (file.length < MAC_LENGTH + BLOCK || (file.length - MAC_LENGTH) % BLOCK !== 0) {
		throw new MediaDecryptionError(
			`the downloaded file (${file.length} bytes) is not WhatsApp-encrypted media`,
		);
	}
	const ciphertext = file.subarray(0, file.length - MAC_LENGTH);
	const mac = file.subarray(file.length - MAC_LENGTH);
	const expected = createHmac('sha256', macKey)
		.update(iv)
		.update(ciphertext)
		.digest()
		.subarray(0, MAC_LENGTH);
	if (!timingSafeEqual(mac, expected)) {
		throw new MediaDecryptionError(
			'the file does not match its media key (MAC check failed): it is damaged or belongs to another message',
		);
	}
	let plain: Buffer | undefined;
	let failure = '';
	try {
		const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
		plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
	} catch (error) {
		failure = (error as Error).message;
	}
	if (plain === undefined) {
		throw new MediaDecryptionError(`the file could not be decrypted (${failure})`);
	}
	if (options.fileSha256 && !sha256(plain).equals(options.fileSha256)) {
		throw new MediaDecryptionError('the decrypted file does not match its SHA-256 (fileSha256)');
	}
	return plain;
}

export function sha256(bytes: Buffer): Buffer {
	return createHash('sha256').update(bytes).digest();
}
