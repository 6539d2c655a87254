import { createHmac, randomBytes } from 'node:crypto';

import {
	bytesFromJson,
	decryptMedia,
	deriveMediaKeys,
	MEDIA_KEY_INFO,
	MediaDecryptionError,
} from '../../nodes/shared/mediaCrypto';
import type { MediaKind } from '../../nodes/shared/message';
import { encryptMedia, MEDIA_KEY_INFO as FIXTURE_INFO } from '../trigger/fixtures';

const KINDS: MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

/** HKDF-SHA256 written out from RFC 5869, to check the node's use of crypto.hkdfSync. */
function rfc5869(ikm: Buffer, info: string, length: number): Buffer {
	const prk = createHmac('sha256', Buffer.alloc(32)).update(ikm).digest();
	const blocks: Buffer[] = [];
	let previous: Buffer = Buffer.alloc(0);
	for (let counter = 1; Buffer.concat(blocks).length < length; counter++) {
		previous = createHmac('sha256', prk)
			.update(Buffer.concat([previous, Buffer.from(info), Buffer.from([counter])]))
			.digest();
		blocks.push(previous);
	}
	return Buffer.concat(blocks).subarray(0, length);
}

test('the info strings are the documented ones; stickers use the image keys', () => {
	expect(MEDIA_KEY_INFO).toEqual(FIXTURE_INFO);
	expect(MEDIA_KEY_INFO.sticker).toBe('WhatsApp Image Keys');
});

test.each(KINDS)(
	'%s keys: IV, cipher key and MAC key are bytes 0-16, 16-48, 48-80 of HKDF',
	(kind) => {
		const mediaKey = Buffer.from('0f'.repeat(32), 'hex');
		const expanded = rfc5869(mediaKey, MEDIA_KEY_INFO[kind], 112);
		const keys = deriveMediaKeys(mediaKey, kind);
		expect(keys.iv.equals(expanded.subarray(0, 16))).toBe(true);
		expect(keys.cipherKey.equals(expanded.subarray(16, 48))).toBe(true);
		expect(keys.macKey.equals(expanded.subarray(48, 80))).toBe(true);
	},
);

test('a media key that is not 32 bytes is refused', () => {
	expect(() => deriveMediaKeys(Buffer.alloc(16), 'image')).toThrow(
		'the media key has 16 bytes instead of 32',
	);
});

describe.each(KINDS)('%s', (kind) => {
	test.each([0, 1, 15, 16, 17, 4096, 100_003])('decrypts %i bytes bit-exact', (size) => {
		const plain = randomBytes(size);
		const { encrypted, mediaKey, fileSha256 } = encryptMedia(plain, kind);
		const decrypted = decryptMedia(encrypted, { mediaKey, kind, fileSha256 });
		expect(decrypted.equals(plain)).toBe(true);
	});
});

describe('refuses what does not pass the checks', () => {
	const plain = randomBytes(5000);
	const { encrypted, mediaKey, fileSha256 } = encryptMedia(plain, 'document');

	test('every single flipped byte (ciphertext, MAC) fails the MAC check', () => {
		for (const index of [
			0,
			15,
			16,
			2500,
			encrypted.length - 11,
			encrypted.length - 10,
			encrypted.length - 1,
		]) {
			const tampered = Buffer.from(encrypted);
			tampered[index] ^= 0x01;
			expect(() => decryptMedia(tampered, { mediaKey, kind: 'document', fileSha256 })).toThrow(
				/MAC check failed/,
			);
		}
	});

	test('a wrong media key fails the MAC check', () => {
		expect(() =>
			decryptMedia(encrypted, { mediaKey: randomBytes(32), kind: 'document', fileSha256 }),
		).toThrow(MediaDecryptionError);
	});

	test('the key of another media type fails the MAC check', () => {
		expect(() => decryptMedia(encrypted, { mediaKey, kind: 'image', fileSha256 })).toThrow(
			/MAC check failed/,
		);
	});

	test('a fileSha256 that does not match the decrypted file', () => {
		expect(() =>
			decryptMedia(encrypted, { mediaKey, kind: 'document', fileSha256: randomBytes(32) }),
		).toThrow('the decrypted file does not match its SHA-256 (fileSha256)');
		// Without fileSha256 only the MAC is checked.
		expect(decryptMedia(encrypted, { mediaKey, kind: 'document' }).equals(plain)).toBe(true);
	});

	test('a file too short or of the wrong length is not WhatsApp media', () => {
		for (const file of [Buffer.alloc(0), Buffer.alloc(25), encrypted.subarray(1)]) {
			expect(() => decryptMedia(file, { mediaKey, kind: 'document' })).toThrow(
				/is not WhatsApp-encrypted media/,
			);
		}
	});

	test('a correct MAC over garbage is refused, not returned', () => {
		// The MAC is right, the ciphertext is random: bad padding (or, rarely, a wrong SHA-256).
		const keys = deriveMediaKeys(mediaKey, 'document');
		const ciphertext = randomBytes(32);
		const mac = createHmac('sha256', keys.macKey)
			.update(Buffer.concat([keys.iv, ciphertext]))
			.digest()
			.subarray(0, 10);
		expect(() =>
			decryptMedia(Buffer.concat([ciphertext, mac]), { mediaKey, kind: 'document', fileSha256 }),
		).toThrow(/could not be decrypted|does not match its SHA-256/);
	});
});

describe('bytesFromJson', () => {
	const bytes = Buffer.from([0, 1, 2, 250, 251, 255]);

	test.each<[string, unknown]>([
		['base64', bytes.toString('base64')],
		['base64url', bytes.toString('base64url')],
		['a serialised Buffer', JSON.parse(JSON.stringify(bytes))],
		['a Buffer serialised with base64 data', { type: 'Buffer', data: bytes.toString('base64') }],
		['an array of bytes', [...bytes]],
		['a serialised Uint8Array', JSON.parse(JSON.stringify(new Uint8Array(bytes)))],
	])('reads %s', (_name, value) => {
		expect(bytesFromJson(value)?.equals(bytes)).toBe(true);
	});

	test.each<[string, unknown]>([
		['undefined', undefined],
		['null', null],
		['an empty string', ''],
		['text that is not base64', 'not base64!'],
		['an array with a non-byte', [1, 256]],
		['an object with other keys', { a: 1 }],
		['a number', 42],
	])('gives undefined for %s', (_name, value) => {
		expect(bytesFromJson(value)).toBeUndefined();
	});
});
