/**
 * The media decryptor against vectors made by another implementation: the OpenSSL command line
 * (test/fixtures/whatsapp-media/make-vectors.sh). Issue 7 §5.
 */
import {
	bytesFromJson,
	decryptMedia,
	deriveMediaKeys,
	MediaDecryptionError,
	MEDIA_KEY_INFO,
	sha256,
} from '../../nodes/shared/mediaCrypto';
import {
	MAKE_VECTORS,
	MEDIA_VECTORS,
	readVectors,
	type MediaVector,
} from '../fixtures/whatsapp-media/vectors';
import { childProcess, fs, os, path } from '../support/node';

const byName = MEDIA_VECTORS.map((vector) => [vector.name, vector] as const);

function keyOf(vector: MediaVector): Buffer {
	const key = bytesFromJson(vector.mediaKey);
	if (!key) throw new Error(`the media key of ${vector.name} is not base64`);
	return key;
}

test('the vectors cover the image, video, audio and document info strings', () => {
	expect(MEDIA_VECTORS.map((vector) => [vector.kind, vector.info])).toEqual([
		['image', 'WhatsApp Image Keys'],
		['video', 'WhatsApp Video Keys'],
		['audio', 'WhatsApp Audio Keys'],
		['document', 'WhatsApp Document Keys'],
	]);
	for (const vector of MEDIA_VECTORS) expect(MEDIA_KEY_INFO[vector.kind]).toBe(vector.info);
});

describe.each(byName)('%s, made by OpenSSL', (_name, vector) => {
	test('the committed file is the one OpenSSL made (length and SHA-256)', () => {
		expect(vector.encrypted.length).toBe(vector.encLength);
		expect(sha256(vector.encrypted).toString('hex')).toBe(vector.fileEncSha256Hex);
		expect(vector.encrypted.subarray(-10).toString('hex')).toBe(vector.mac);
	});

	test("the node derives OpenSSL's IV, AES key and MAC key", () => {
		const keys = deriveMediaKeys(keyOf(vector), vector.kind);
		expect({
			iv: keys.iv.toString('hex'),
			cipherKey: keys.cipherKey.toString('hex'),
			macKey: keys.macKey.toString('hex'),
		}).toEqual({ iv: vector.iv, cipherKey: vector.cipherKey, macKey: vector.macKey });
	});

	test('decrypts to exactly the plaintext OpenSSL encrypted (its SHA-256 and length)', () => {
		const fileSha256 = bytesFromJson(vector.fileSha256);
		const plain = decryptMedia(vector.encrypted, {
			mediaKey: keyOf(vector),
			kind: vector.kind,
			fileSha256,
		});
		expect(plain.length).toBe(vector.plainLength);
		expect(sha256(plain).toString('hex')).toBe(vector.fileSha256Hex);
		// Without fileSha256 (only the MAC is checked) the bytes are the same.
		const unchecked = decryptMedia(vector.encrypted, {
			mediaKey: keyOf(vector),
			kind: vector.kind,
		});
		expect(unchecked.equals(plain)).toBe(true);
	});

	test('one flipped byte anywhere in the ciphertext or the MAC is refused', () => {
		const fileSha256 = bytesFromJson(vector.fileSha256);
		const accepted: number[] = [];
		const otherErrors: string[] = [];
		for (let index = 0; index < vector.encrypted.length; index++) {
			for (const mask of [0x01, 0x80]) {
				const tampered = Buffer.from(vector.encrypted);
				tampered[index] ^= mask;
				try {
					decryptMedia(tampered, { mediaKey: keyOf(vector), kind: vector.kind, fileSha256 });
					accepted.push(index);
				} catch (error) {
					if (!(error instanceof MediaDecryptionError) || !/MAC check failed/.test(error.message)) {
						otherErrors.push(`${index}: ${(error as Error).message}`);
					}
				}
			}
		}
		expect({ accepted, otherErrors }).toEqual({ accepted: [], otherErrors: [] });
	});

	test('a truncated or extended file is refused', () => {
		const options = { mediaKey: keyOf(vector), kind: vector.kind };
		for (const file of [
			vector.encrypted.subarray(0, vector.encrypted.length - 1),
			vector.encrypted.subarray(1),
			Buffer.concat([vector.encrypted, Buffer.alloc(16)]),
			Buffer.concat([Buffer.alloc(16), vector.encrypted]),
		]) {
			expect(() => decryptMedia(file, options)).toThrow(MediaDecryptionError);
		}
	});

	test('the keys of another media type do not open it', () => {
		const other = vector.kind === 'image' ? 'document' : 'image';
		expect(() => decryptMedia(vector.encrypted, { mediaKey: keyOf(vector), kind: other })).toThrow(
			/MAC check failed/,
		);
	});
});

test('a sticker uses the image keys: the image vector opens as a sticker', () => {
	const image = MEDIA_VECTORS.find((vector) => vector.kind === 'image')!;
	const plain = decryptMedia(image.encrypted, { mediaKey: keyOf(image), kind: 'sticker' });
	expect(sha256(plain).toString('hex')).toBe(image.fileSha256Hex);
});

/** `openssl version` when OpenSSL 3 or later is installed, else undefined. */
function openssl3(): string | undefined {
	const result = childProcess.spawnSync('openssl', ['version'], { encoding: 'utf8' });
	return result.status === 0 && /^OpenSSL [3-9]\./.test(result.stdout)
		? result.stdout.trim()
		: undefined;
}

const opensslVersion = openssl3();
// The vectors are committed, so every other test runs without OpenSSL; this one needs it.
(opensslVersion ? test : test.skip)(
	`make-vectors.sh run again makes the same files (${opensslVersion ?? 'skipped: no OpenSSL 3 on this machine'})`,
	() => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wappfly-vectors-'));
		try {
			const run = childProcess.spawnSync('bash', [MAKE_VECTORS, dir], { encoding: 'utf8' });
			expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
			const again = readVectors(dir).vectors;
			expect(
				again.map(({ encrypted, ...fields }) => ({
					...fields,
					encrypted: encrypted.toString('hex'),
				})),
			).toEqual(
				MEDIA_VECTORS.map(({ encrypted, ...fields }) => ({
					...fields,
					encrypted: encrypted.toString('hex'),
				})),
			);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	},
);
