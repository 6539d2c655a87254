/**
 * Files the end-to-end workflows send, made at test time (n8n-node build copies every *.png /
 * *.svg of the project into dist/, so none is kept in the repository), and WhatsApp's media
 * encryption, to serve an inbound image the way WhatsApp's CDN does.
 */
import { crypto, fs, path } from '../../support/node';
import { invoicePdf } from '../lib/examples';
import type { MediaKind } from '../../../nodes/shared/message';
import { encryptMedia } from '../../trigger/fixtures';

export interface MediaFixture {
	fileName: string;
	mimeType: string;
	bytes: Buffer;
	sha256: string;
}

export function sha256(bytes: Buffer): string {
	return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** Deterministic bytes: the same seed gives the same file on every run. */
function pseudoRandom(seed: string, length: number): Buffer {
	const out = Buffer.alloc(length);
	let offset = 0;
	for (let counter = 0; offset < length; counter++) {
		const block = crypto.createHash('sha256').update(`${seed}:${counter}`).digest();
		offset += block.copy(out, offset);
	}
	return out;
}

function fixture(fileName: string, mimeType: string, header: Buffer, length: number): MediaFixture {
	const bytes = Buffer.concat([header, pseudoRandom(fileName, length - header.length)]);
	return { fileName, mimeType, bytes, sha256: sha256(bytes) };
}

function pdfFixture(fileName: string, invoiceNumber: string): MediaFixture {
	const bytes = invoicePdf(invoiceNumber);
	return { fileName, mimeType: 'application/pdf', bytes, sha256: sha256(bytes) };
}

/** The files of the suite; lengths chosen so that base64 padding differs between them. */
export const FIXTURES = {
	png: fixture(
		'photo.png',
		'image/png',
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		150_001,
	),
	jpeg: fixture('photo.jpg', 'image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 90_002),
	mp4: fixture('clip.mp4', 'video/mp4', Buffer.from('\0\0\0\x18ftypmp42', 'latin1'), 240_000),
	ogg: fixture('voice.ogg', 'audio/ogg', Buffer.from('OggS\0\x02', 'latin1'), 40_001),
	inboundJpeg: fixture('inbound.jpg', 'image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe1]), 64_003),
	invoice: pdfFixture('invoice-1001.pdf', '1001'),
	terms: pdfFixture('terms.pdf', 'T-1'),
};

/** Writes the fixtures n8n reads from disk into `dir` (the invoice into `dir/invoices`). */
export function writeFixtures(dir: string): void {
	for (const f of [FIXTURES.png, FIXTURES.mp4, FIXTURES.ogg]) {
		fs.writeFileSync(path.join(dir, f.fileName), f.bytes);
	}
	fs.mkdirSync(path.join(dir, 'invoices'), { recursive: true });
	fs.writeFileSync(path.join(dir, 'invoices', FIXTURES.invoice.fileName), FIXTURES.invoice.bytes);
}

export interface EncryptedMedia {
	/** What WhatsApp's CDN serves: AES-256-CBC ciphertext + 10-byte HMAC. */
	file: Buffer;
	mediaKey: string;
	fileSha256: string;
	fileEncSha256: string;
	fileLength: number;
}

/** Encrypts a file as WhatsApp does for a media message (keys from HKDF over a random mediaKey). */
export function encryptWhatsAppMedia(plain: Buffer, kind: MediaKind = 'image'): EncryptedMedia {
	const { encrypted, mediaKey, fileSha256, fileEncSha256 } = encryptMedia(plain, kind);
	return {
		file: encrypted,
		mediaKey: mediaKey.toString('base64'),
		fileSha256: fileSha256.toString('base64'),
		fileEncSha256: fileEncSha256.toString('base64'),
		fileLength: plain.length,
	};
}
