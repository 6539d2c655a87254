/**
 * Webhook payloads for the Wappfly Trigger, built from the envelope of the API reference
 * (shared/spec/wappfly-api-reference.txt, "messages.received"), with the Baileys `message` of
 * each type of WhatsApp message, and WhatsApp media encryption done independently of the node's
 * code (node:crypto's cipher, the node uses the decipher).
 */
import { createCipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

import type { MediaKind, MessageType } from '../../nodes/shared/message';

/** The reference's example, verbatim. */
export const REFERENCE_ENVELOPE = {
	event: 'messages.received',
	timestamp: 1779285900,
	session: { id: 8 },
	data: {
		messages: {
			key: {
				id: '3EB06A40C80DF456A1B2',
				fromMe: false,
				remoteJid: '15551234567@s.whatsapp.net',
				addressingMode: 'pn',
				senderPn: '15551234567@s.whatsapp.net',
				cleanedSenderPn: '15551234567',
				senderLid: null,
			},
			messageBody: 'merhaba',
			message: { conversation: 'merhaba' },
			messageTimestamp: 1779285895,
			pushName: 'Alice',
		},
	},
};

export type Envelope = typeof REFERENCE_ENVELOPE & Record<string, unknown>;

export const GROUP_JID = '120363025246125244@g.us';
export const BOB = '447700900123';

/** A JSON object to take apart in tests: any path can be read, assign with `as never`. */
export interface Json {
	[key: string]: Json;
}

export function loose(value: unknown): Json {
	return JSON.parse(JSON.stringify(value)) as Json;
}

export function clone<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

export interface EnvelopeParams {
	message?: object;
	messageBody?: string | null;
	id?: string;
	/** Sender's phone number (digits). */
	from?: string;
	pushName?: string;
	/** Group JID: the message is written in that group by `from`. */
	group?: string;
	sessionId?: number | string;
	event?: string;
}

/** The reference envelope with another message, sender, chat or session. */
export function envelope(params: EnvelopeParams = {}): Envelope {
	const result = clone(REFERENCE_ENVELOPE) as Envelope;
	const messages = result.data.messages as Record<string, unknown> & typeof result.data.messages;
	if (params.event !== undefined) result.event = params.event;
	if (params.sessionId !== undefined) (result.session as { id: unknown }).id = params.sessionId;
	if (params.message !== undefined) messages.message = params.message as { conversation: string };
	if (params.messageBody !== undefined) messages.messageBody = params.messageBody as string;
	if (params.id !== undefined) messages.key.id = params.id;
	if (params.pushName !== undefined) messages.pushName = params.pushName;
	if (params.from !== undefined) {
		messages.key.senderPn = `${params.from}@s.whatsapp.net`;
		messages.key.cleanedSenderPn = params.from;
		messages.key.remoteJid = `${params.from}@s.whatsapp.net`;
	}
	if (params.group !== undefined) {
		(messages.key as Record<string, unknown>).participant = messages.key.senderPn;
		messages.key.remoteJid = params.group;
	}
	return result;
}

export interface MediaFields {
	url?: string;
	mediaKey?: string;
	fileSha256?: string;
	fileEncSha256?: string;
	fileLength?: string | number;
	directPath?: string;
}

const MEDIA = (fields: MediaFields) => ({
	url: 'https://mmg.whatsapp.net/v/t62.7118-24/11734960_n.enc?ccb=11-4&oh=01_Q5AaI&oe=6861E6A6&_nc_sid=5e03e0',
	directPath: '/v/t62.7118-24/11734960_n.enc?ccb=11-4&oh=01_Q5AaI&oe=6861E6A6&_nc_sid=5e03e0',
	mediaKey: Buffer.alloc(32, 7).toString('base64'),
	fileSha256: 'LYH2f8Gbn5jWUDhoypXzN7WfF6v1ZlTh3n2o4sXc0ZA=',
	fileEncSha256: 'h4uGQ6T8YFvJ7A2TKvPBn6m5q2mRbWfXqZ0ujN2bW1g=',
	fileLength: '24811',
	mediaKeyTimestamp: '1779285890',
	...fields,
});

export interface TypeFixture {
	name: string;
	type: MessageType;
	message: object;
	messageBody: string | null;
	/** What the simplified item must hold (besides the common fields). */
	expect: Record<string, unknown>;
	media?: MediaKind;
}

/** One fixture per type of WhatsApp message, plus the wrapped and replied variants. */
export function typeFixtures(media: MediaFields = {}): TypeFixture[] {
	return [
		{
			name: 'text (conversation)',
			type: 'text',
			message: { conversation: 'merhaba' },
			messageBody: 'merhaba',
			expect: { text: 'merhaba', quotedMessageId: null, mimeType: null, fileName: null },
		},
		{
			name: 'text reply (extendedTextMessage quoting a message)',
			type: 'text',
			message: {
				extendedTextMessage: {
					text: 'Yes, the blue one',
					contextInfo: {
						stanzaId: 'BD9043CF84A700B5',
						participant: '15551234567@s.whatsapp.net',
						quotedMessage: { conversation: 'Which colour?' },
					},
				},
				messageContextInfo: { deviceListMetadataVersion: 2 },
			},
			messageBody: 'Yes, the blue one',
			expect: { text: 'Yes, the blue one', quotedMessageId: 'BD9043CF84A700B5' },
		},
		{
			name: 'image with caption',
			type: 'image',
			media: 'image',
			message: {
				imageMessage: {
					...MEDIA(media),
					mimetype: 'image/jpeg',
					caption: 'Our menu',
					height: 1280,
					width: 960,
				},
			},
			messageBody: 'Our menu',
			expect: { text: 'Our menu', mimeType: 'image/jpeg', fileName: null },
		},
		{
			name: 'video without caption',
			type: 'video',
			media: 'video',
			message: { videoMessage: { ...MEDIA(media), mimetype: 'video/mp4', seconds: 12 } },
			messageBody: null,
			expect: { text: null, mimeType: 'video/mp4' },
		},
		{
			name: 'voice note (audio, ptt)',
			type: 'audio',
			media: 'audio',
			message: {
				audioMessage: {
					...MEDIA(media),
					mimetype: 'audio/ogg; codecs=opus',
					seconds: 4,
					ptt: true,
				},
			},
			messageBody: null,
			expect: { text: null, mimeType: 'audio/ogg; codecs=opus', isVoiceNote: true },
		},
		{
			name: 'audio file',
			type: 'audio',
			media: 'audio',
			message: {
				audioMessage: { ...MEDIA(media), mimetype: 'audio/mpeg', seconds: 180, ptt: false },
			},
			messageBody: null,
			expect: { mimeType: 'audio/mpeg', isVoiceNote: false },
		},
		{
			name: 'document with caption (documentWithCaptionMessage)',
			type: 'document',
			media: 'document',
			message: {
				documentWithCaptionMessage: {
					message: {
						documentMessage: {
							...MEDIA(media),
							mimetype: 'application/pdf',
							fileName: 'invoice-2026-05.pdf',
							title: 'invoice-2026-05.pdf',
							caption: 'Invoice for May',
						},
					},
				},
			},
			messageBody: 'Invoice for May',
			expect: {
				text: 'Invoice for May',
				mimeType: 'application/pdf',
				fileName: 'invoice-2026-05.pdf',
			},
		},
		{
			name: 'sticker',
			type: 'sticker',
			media: 'sticker',
			message: { stickerMessage: { ...MEDIA(media), mimetype: 'image/webp', isAnimated: false } },
			messageBody: null,
			expect: { text: null, mimeType: 'image/webp' },
		},
		{
			name: 'location',
			type: 'location',
			message: {
				locationMessage: {
					degreesLatitude: 41.0256,
					degreesLongitude: 28.9742,
					name: 'Galata Tower',
					address: 'Bereketzade, Istanbul',
				},
			},
			messageBody: null,
			expect: { text: 'Galata Tower', latitude: 41.0256, longitude: 28.9742 },
		},
		{
			name: 'contact card',
			type: 'contact',
			message: {
				contactMessage: {
					displayName: 'Bob',
					vcard:
						'BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL;type=CELL;waid=447700900123:+44 7700 900123\nEND:VCARD',
				},
			},
			messageBody: null,
			expect: { text: 'Bob', vcard: expect.stringContaining('FN:Bob') },
		},
		{
			name: 'several contacts',
			type: 'contact',
			message: {
				contactsArrayMessage: {
					displayName: '2 contacts',
					contacts: [{ displayName: 'Bob', vcard: 'BEGIN:VCARD\nFN:Bob\nEND:VCARD' }],
				},
			},
			messageBody: null,
			expect: { text: '2 contacts' },
		},
		{
			name: 'reaction',
			type: 'reaction',
			message: {
				reactionMessage: {
					key: { remoteJid: '15551234567@s.whatsapp.net', fromMe: true, id: 'BD9043CF84A700B5' },
					text: '👍',
					senderTimestampMs: '1779285894000',
				},
			},
			messageBody: null,
			expect: { text: '👍', reactedMessageId: 'BD9043CF84A700B5' },
		},
		{
			name: 'poll (other)',
			type: 'other',
			message: {
				pollCreationMessageV3: {
					name: 'Lunch?',
					options: [{ optionName: 'Pizza' }, { optionName: 'Sushi' }],
					selectableOptionsCount: 1,
				},
			},
			messageBody: null,
			expect: { text: null, mimeType: null },
		},
		{
			name: 'disappearing text (ephemeralMessage)',
			type: 'text',
			message: { ephemeralMessage: { message: { extendedTextMessage: { text: 'gone soon' } } } },
			messageBody: null,
			expect: { text: 'gone soon' },
		},
		{
			name: 'view-once image (viewOnceMessageV2)',
			type: 'image',
			media: 'image',
			message: {
				viewOnceMessageV2: {
					message: { imageMessage: { ...MEDIA(media), mimetype: 'image/jpeg', viewOnce: true } },
				},
			},
			messageBody: null,
			expect: { mimeType: 'image/jpeg' },
		},
	];
}

export const MEDIA_KEY_INFO: Record<MediaKind, string> = {
	image: 'WhatsApp Image Keys',
	sticker: 'WhatsApp Image Keys',
	video: 'WhatsApp Video Keys',
	audio: 'WhatsApp Audio Keys',
	document: 'WhatsApp Document Keys',
};

export interface EncryptedMedia {
	encrypted: Buffer;
	mediaKey: Buffer;
	fileSha256: Buffer;
	fileEncSha256: Buffer;
}

/** Encrypts a file the way WhatsApp does for a media message of this kind. */
export function encryptMedia(
	plain: Buffer,
	kind: MediaKind,
	mediaKey: Buffer = randomBytes(32),
): EncryptedMedia {
	const expanded = Buffer.from(
		hkdfSync('sha256', mediaKey, Buffer.alloc(32), MEDIA_KEY_INFO[kind], 112),
	);
	const iv = expanded.subarray(0, 16);
	const cipher = createCipheriv('aes-256-cbc', expanded.subarray(16, 48), iv);
	const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
	const mac = createHmac('sha256', expanded.subarray(48, 80))
		.update(Buffer.concat([iv, ciphertext]))
		.digest()
		.subarray(0, 10);
	const encrypted = Buffer.concat([ciphertext, mac]);
	return {
		encrypted,
		mediaKey,
		fileSha256: createHash('sha256').update(plain).digest(),
		fileEncSha256: createHash('sha256').update(encrypted).digest(),
	};
}

/** Deterministic pseudo-random numbers (mulberry32), for seeded fuzzing. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
