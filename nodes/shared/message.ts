/**
 * Inbound WhatsApp messages as Wappfly delivers them (the `messages.received` webhook envelope,
 * whose `message` is the Baileys payload), shaped into one flat item and filtered.
 *
 * Pure: no n8n context, no I/O. Every function here accepts anything a caller may have been sent
 * and answers with a result instead of throwing, so that a malformed body can never crash a trigger.
 */
import { isGroupJid, normalizeJid, phoneNumberOf } from './jid';

export const MESSAGE_RECEIVED = 'messages.received';

export const MESSAGE_TYPES = [
	'text',
	'image',
	'video',
	'audio',
	'document',
	'sticker',
	'location',
	'contact',
	'reaction',
	'other',
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

// ---- the envelope -------------------------------------------------------------------------

export interface WappflyEnvelope extends JsonRecord {
	event: string;
}

export type EnvelopeResult =
	| { ok: true; envelope: WappflyEnvelope; event: string; sessionId: string | undefined }
	| { ok: false; reason: string };

/**
 * Reads a webhook body as Wappfly's envelope `{event, timestamp, session: {id}, data}`.
 * A string body (e.g. sent as text/plain) is parsed as JSON.
 */
export function readEnvelope(body: unknown): EnvelopeResult {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return { ok: false, reason: 'the body is not JSON' };
		}
	}
	if (!isRecord(value)) return { ok: false, reason: 'the body is not a JSON object' };
	const event = nonEmptyString(value.event);
	if (event === undefined) return { ok: false, reason: 'the body has no "event"' };
	const session = value.session;
	const id = isRecord(session) ? session.id : undefined;
	const sessionId =
		(typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.trim() !== '')
			? String(id).trim()
			: undefined;
	return { ok: true, envelope: value as WappflyEnvelope, event, sessionId };
}

// ---- the Baileys message --------------------------------------------------------------------

/** Keys of a Baileys message that hold another message. */
const WRAPPERS = [
	'ephemeralMessage',
	'viewOnceMessage',
	'viewOnceMessageV2',
	'viewOnceMessageV2Extension',
	'documentWithCaptionMessage',
	'editedMessage',
	'deviceSentMessage',
	'groupMentionedMessage',
	'botInvokeMessage',
	'lottieStickerMessage',
];

/** Content keys, in the order they are looked for, and the type each one means. */
const CONTENT_TYPES: Array<[string, MessageType]> = [
	['conversation', 'text'],
	['extendedTextMessage', 'text'],
	['imageMessage', 'image'],
	['videoMessage', 'video'],
	['ptvMessage', 'video'],
	['audioMessage', 'audio'],
	['documentMessage', 'document'],
	['stickerMessage', 'sticker'],
	['locationMessage', 'location'],
	['liveLocationMessage', 'location'],
	['contactMessage', 'contact'],
	['contactsArrayMessage', 'contact'],
	['reactionMessage', 'reaction'],
];

const MEDIA_KINDS: Partial<Record<string, MediaKind>> = {
	imageMessage: 'image',
	videoMessage: 'video',
	ptvMessage: 'video',
	audioMessage: 'audio',
	documentMessage: 'document',
	stickerMessage: 'sticker',
};

export interface MessageContent {
	type: MessageType;
	/** The Baileys key of the content, e.g. `imageMessage`; undefined when none was recognised. */
	key: string | undefined;
	/** The content object (`{caption, mimetype, url, ...}`), or the string of a `conversation`. */
	value: unknown;
}

/** Finds what a Baileys `message` carries, looking through ephemeral/view-once wrappers. */
export function messageContent(message: unknown): MessageContent {
	let current = message;
	for (let depth = 0; depth < 8 && isRecord(current); depth++) {
		const found = CONTENT_TYPES.find(([key]) => current && (current as JsonRecord)[key] != null);
		if (found) return { type: found[1], key: found[0], value: (current as JsonRecord)[found[0]] };
		const wrapper = WRAPPERS.find((key) => isRecord((current as JsonRecord)[key]));
		if (!wrapper) break;
		const inner = (current as JsonRecord)[wrapper] as JsonRecord;
		// Most wrappers hold `{message: {...}}`; a lottie sticker holds the sticker itself.
		current = isRecord(inner.message) ? inner.message : inner;
	}
	return { type: 'other', key: undefined, value: undefined };
}

/** Where a media message's file is and how to decrypt it, as Baileys describes it. */
export interface MediaReference {
	kind: MediaKind;
	url: string | undefined;
	directPath: string | undefined;
	/** As received: base64 text, a serialised Buffer or an array of bytes (see mediaCrypto). */
	mediaKey: unknown;
	fileSha256: unknown;
	fileEncSha256: unknown;
	/** Declared plain size in bytes, when the message says. */
	fileLength: number | undefined;
	mimeType: string | undefined;
	fileName: string | undefined;
}

/** A protobuf Long serialised to JSON (`{low, high, unsigned}`), a numeric string or a number. */
export function longToNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
	if (isRecord(value) && typeof value.low === 'number' && typeof value.high === 'number') {
		const low = value.low >>> 0;
		return value.high * 2 ** 32 + low;
	}
	return undefined;
}

export function mediaReference(message: unknown): MediaReference | undefined {
	const content = messageContent(message);
	const kind = content.key ? MEDIA_KINDS[content.key] : undefined;
	if (!kind || !isRecord(content.value)) return undefined;
	const media = content.value;
	return {
		kind,
		url: nonEmptyString(media.url),
		directPath: nonEmptyString(media.directPath),
		mediaKey: media.mediaKey,
		fileSha256: media.fileSha256,
		fileEncSha256: media.fileEncSha256,
		fileLength: longToNumber(media.fileLength),
		mimeType: nonEmptyString(media.mimetype),
		fileName: nonEmptyString(media.fileName),
	};
}

// ---- the simplified item --------------------------------------------------------------------

export interface SimplifiedMessage {
	[key: string]: string | number | boolean | null;
	messageId: string;
	chatJid: string | null;
	isGroup: boolean;
	/** The sender's bare phone number (digits), when known. */
	from: string | null;
	fromJid: string | null;
	senderName: string | null;
	type: MessageType;
	/** `messageBody`, or the text/caption found in the message. */
	text: string | null;
	mimeType: string | null;
	fileName: string | null;
	quotedMessageId: string | null;
	/** ISO 8601. */
	timestamp: string | null;
	sessionId: number | string | null;
}

export interface ReceivedMessage {
	/** `data.messages` as received. */
	raw: JsonRecord;
	simplified: SimplifiedMessage;
	media: MediaReference | undefined;
}

export type ReceivedMessageResult =
	| { ok: true; message: ReceivedMessage }
	| { ok: false; reason: string };

function toIso(seconds: number | undefined): string | null {
	if (seconds === undefined || seconds <= 0) return null;
	// Some producers send milliseconds.
	const ms = seconds > 1e11 ? seconds : seconds * 1000;
	const date = new Date(ms);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A user JID without its device suffix, or the value as is when it is not one. */
function cleanJid(jid: string): string {
	const normalized = normalizeJid(jid);
	return normalized.ok ? normalized.jid : jid;
}

function textOf(content: MessageContent): string | undefined {
	const { key, value } = content;
	if (typeof value === 'string') return nonEmptyString(value);
	if (!isRecord(value)) return undefined;
	switch (key) {
		case 'extendedTextMessage':
		case 'reactionMessage':
			return nonEmptyString(value.text);
		case 'locationMessage':
		case 'liveLocationMessage':
			return (
				nonEmptyString(value.name) ?? nonEmptyString(value.address) ?? nonEmptyString(value.caption)
			);
		case 'contactMessage':
		case 'contactsArrayMessage':
			return nonEmptyString(value.displayName);
		default:
			return nonEmptyString(value.caption);
	}
}

function quotedIdOf(content: MessageContent): string | undefined {
	const { value } = content;
	if (!isRecord(value) || !isRecord(value.contextInfo)) return undefined;
	return nonEmptyString(value.contextInfo.stanzaId);
}

/** Fields that only some types have, kept flat. */
function extrasOf(content: MessageContent): Record<string, string | number | boolean | null> {
	const { key, value } = content;
	if (!isRecord(value)) return {};
	switch (key) {
		case 'locationMessage':
		case 'liveLocationMessage':
			return {
				latitude: typeof value.degreesLatitude === 'number' ? value.degreesLatitude : null,
				longitude: typeof value.degreesLongitude === 'number' ? value.degreesLongitude : null,
			};
		case 'contactMessage':
			return { vcard: nonEmptyString(value.vcard) ?? null };
		case 'reactionMessage':
			return {
				reactedMessageId: isRecord(value.key) ? (nonEmptyString(value.key.id) ?? null) : null,
			};
		case 'audioMessage':
			return { isVoiceNote: value.ptt === true };
		default:
			return {};
	}
}

/** The sender: a phone-number JID wherever one is given, else whatever identifies them. */
function senderOf(candidates: unknown[]): { from: string | null; fromJid: string | null } {
	const jids = candidates.filter((value): value is string => nonEmptyString(value) !== undefined);
	const phoneJid = jids.find((jid) => phoneNumberOf(jid) !== undefined);
	return {
		from: (phoneJid ? phoneNumberOf(phoneJid) : undefined) ?? null,
		fromJid: phoneJid ? cleanJid(phoneJid) : (jids[0] ?? null),
	};
}

/**
 * The chat as a JID to answer in: a one-to-one chat addressed by LID is answered through the
 * phone-number JID.
 */
function chatJidOf(
	remoteJid: string | undefined,
	isGroup: boolean,
	fromJid: string | null,
): string | null {
	if (remoteJid === undefined || isGroup) return remoteJid ?? null;
	return phoneNumberOf(remoteJid) !== undefined ? cleanJid(remoteJid) : (fromJid ?? remoteJid);
}

/**
 * Reads `data.messages` of a `messages.received` envelope and shapes it into the flat item:
 * who wrote, in which chat, what type, the text or caption, the file's type and name.
 */
export function readReceivedMessage(envelope: JsonRecord): ReceivedMessageResult {
	const data = envelope.data;
	if (!isRecord(data)) return { ok: false, reason: 'the body has no "data" object' };
	const raw = data.messages;
	if (!isRecord(raw)) return { ok: false, reason: 'the body has no "data.messages" object' };
	const key = raw.key;
	if (!isRecord(key)) return { ok: false, reason: 'the body has no "data.messages.key"' };
	const messageId = nonEmptyString(key.id);
	if (messageId === undefined)
		return { ok: false, reason: 'the body has no "data.messages.key.id"' };

	const remoteJid = nonEmptyString(key.remoteJid);
	const isGroup = remoteJid !== undefined && isGroupJid(remoteJid);

	const sender = senderOf([
		key.senderPn,
		key.participantPn,
		key.participant,
		isGroup ? undefined : key.remoteJid,
		key.senderLid,
	]);
	const fromJid = sender.fromJid;
	const cleaned = nonEmptyString(key.cleanedSenderPn);
	const from = (cleaned && /^\d{5,20}$/.test(cleaned) ? cleaned : undefined) ?? sender.from;
	const chatJid = chatJidOf(remoteJid, isGroup, fromJid);

	const content = messageContent(raw.message);
	const body = nonEmptyString(raw.messageBody);
	let type = content.type;
	if (content.key === undefined && body !== undefined) type = 'text';
	const media = mediaReference(raw.message);

	const sessionValue = isRecord(envelope.session) ? envelope.session.id : undefined;
	const sessionId =
		typeof sessionValue === 'number' || typeof sessionValue === 'string' ? sessionValue : null;

	const simplified: SimplifiedMessage = {
		messageId,
		chatJid,
		isGroup,
		from,
		fromJid,
		senderName: nonEmptyString(raw.pushName) ?? null,
		type,
		text: body ?? textOf(content) ?? null,
		mimeType: media?.mimeType ?? null,
		fileName: media?.fileName ?? null,
		quotedMessageId: quotedIdOf(content) ?? null,
		timestamp: toIso(longToNumber(raw.messageTimestamp)) ?? toIso(longToNumber(envelope.timestamp)),
		sessionId,
		...extrasOf(content),
	};
	if (media?.fileLength !== undefined) simplified.fileSize = media.fileLength;
	return { ok: true, message: { raw, simplified, media } };
}

// ---- rows of GET /api/messages/recent --------------------------------------------------------

/**
 * A message as the Wappfly Polling Trigger gives it: the webhook trigger's simplified item, with
 * the same field names, plus what only the API's rows carry.
 */
export interface PolledMessage extends SimplifiedMessage {
	/** Wappfly's row ID: it grows with every message the line stores, sent or received. */
	id: number;
	/** Wappfly's status: `received` for an inbound message; `sent` ... `read` for the line's own. */
	status: string | null;
	/** Whether the line itself sent the message. */
	fromMe: boolean;
}

export type RecentMessageResult =
	| { ok: true; message: PolledMessage }
	| { ok: false; reason: string };

/**
 * The fields that some types add to the webhook trigger's item (see `extrasOf`). A row of
 * `/messages/recent` carries none of them: they are null there, so that the items of both
 * triggers have the same fields.
 */
const TYPE_FIELDS: Partial<Record<MessageType, string[]>> = {
	location: ['latitude', 'longitude'],
	contact: ['vcard'],
	reaction: ['reactedMessageId'],
	audio: ['isVoiceNote'],
};

/** Wappfly's row ID: a positive integer, as a number or as digits. */
function rowId(value: unknown): number | undefined {
	const id = typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value) : value;
	return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** The API's `YYYY-MM-DD HH:MM:SS` (UTC) or an ISO 8601 time, as ISO 8601 in UTC. */
function rowTimeToIso(value: unknown): string | null {
	if (typeof value === 'number') return toIso(value);
	const text = nonEmptyString(value)?.trim();
	if (text === undefined) return null;
	const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/i.exec(
		text,
	);
	if (!match) return null;
	const date = new Date(`${match[1]}T${match[2]}${match[3] ?? 'Z'}`);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function rowType(value: unknown): MessageType {
	const type = typeof value === 'string' ? value.trim().toLowerCase() : '';
	return (MESSAGE_TYPES as readonly string[]).includes(type) ? (type as MessageType) : 'other';
}

/**
 * Shapes one row of `GET /api/messages/recent` (`{id, chat_jid, msg_id, from_me, sender_jid,
 * type, body, timestamp, status}`) into the webhook trigger's item. What a row does not say (the
 * sender's name, the file's details, a quoted message, the session) is null.
 */
export function readRecentMessage(row: unknown): RecentMessageResult {
	if (!isRecord(row)) return { ok: false, reason: 'the row is not a JSON object' };
	const id = rowId(row.id);
	if (id === undefined) return { ok: false, reason: 'the row has no positive integer "id"' };
	const messageId = nonEmptyString(row.msg_id);
	if (messageId === undefined) return { ok: false, reason: `the row ${id} has no "msg_id"` };

	const remoteJid = nonEmptyString(row.chat_jid);
	const isGroup = remoteJid !== undefined && isGroupJid(remoteJid);
	const fromMe = row.from_me === 1 || row.from_me === true || row.from_me === '1';
	// In a one-to-one chat the chat is the sender, unless the line itself wrote.
	const { from, fromJid } = senderOf([
		row.sender_jid,
		isGroup || fromMe ? undefined : row.chat_jid,
	]);
	const type = rowType(row.type);

	const message: PolledMessage = {
		messageId,
		chatJid: chatJidOf(remoteJid, isGroup, fromJid),
		isGroup,
		from,
		fromJid,
		senderName: null,
		type,
		text: nonEmptyString(row.body) ?? null,
		mimeType: null,
		fileName: null,
		quotedMessageId: null,
		timestamp: rowTimeToIso(row.timestamp),
		sessionId: null,
		id,
		status: nonEmptyString(row.status) ?? null,
		fromMe,
	};
	for (const field of TYPE_FIELDS[type] ?? []) message[field] = null;
	return { ok: true, message };
}

// ---- filters --------------------------------------------------------------------------------

export interface MessageFilterInput {
	ignoreGroups?: boolean;
	/** Phone numbers or JIDs, separated by commas, semicolons or new lines. */
	senders?: string;
	chats?: string;
	messageTypes?: string[];
	textContains?: string;
	/** A regular expression, bare or as `/pattern/flags`. */
	textRegex?: string;
	ignoreCase?: boolean;
}

export interface MessageFilters {
	ignoreGroups: boolean;
	/** Bare phone numbers. */
	senders?: Set<string>;
	/** Normalised JIDs. */
	chats?: Set<string>;
	types?: Set<string>;
	textContains?: string;
	textRegex?: RegExp;
	ignoreCase: boolean;
}

export type FilterResult =
	| { ok: true; filters: MessageFilters }
	| { ok: false; problems: string[] };

function splitList(value: string | undefined): string[] {
	return (value ?? '')
		.split(/[,;\n]/)
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
}

function compileRegex(source: string, ignoreCase: boolean): RegExp | string {
	const literal = /^\/(.+)\/([a-z]*)$/s.exec(source);
	const pattern = literal ? literal[1] : source;
	let flags = (literal ? literal[2] : '').replace(/[gy]/g, '');
	if (ignoreCase && !flags.includes('i')) flags += 'i';
	try {
		return new RegExp(pattern, flags);
	} catch (error) {
		return (error as Error).message;
	}
}

/** Checks and prepares the filter options once, so that each message is matched quickly. */
export function compileFilters(input: MessageFilterInput): FilterResult {
	const problems: string[] = [];
	const ignoreCase = input.ignoreCase !== false;
	const filters: MessageFilters = { ignoreGroups: input.ignoreGroups === true, ignoreCase };

	const senders = splitList(input.senders);
	if (senders.length) {
		filters.senders = new Set();
		for (const entry of senders) {
			const jid = normalizeJid(entry);
			const phone = jid.ok ? phoneNumberOf(jid.jid) : undefined;
			if (phone) filters.senders.add(phone);
			else if (jid.ok)
				problems.push(`Only These Senders: "${entry}" is a group; put it in Only These Chats`);
			else
				problems.push(
					`Only These Senders: "${entry}" is not a phone number or JID (${jid.reason})`,
				);
		}
	}

	const chats = splitList(input.chats);
	if (chats.length) {
		filters.chats = new Set();
		for (const entry of chats) {
			const jid = normalizeJid(entry);
			if (jid.ok) filters.chats.add(jid.jid);
			else
				problems.push(`Only These Chats: "${entry}" is not a phone number or JID (${jid.reason})`);
		}
	}

	const types = (input.messageTypes ?? []).filter((type) => type !== '');
	if (types.length) {
		const unknown = types.filter((type) => !(MESSAGE_TYPES as readonly string[]).includes(type));
		if (unknown.length) problems.push(`Message Types: unknown type ${unknown.join(', ')}`);
		filters.types = new Set(types);
	}

	if (input.textContains) {
		filters.textContains = ignoreCase ? input.textContains.toLowerCase() : input.textContains;
	}
	if (input.textRegex) {
		const regex = compileRegex(input.textRegex, ignoreCase);
		if (typeof regex === 'string') {
			problems.push(
				`Text Matches Regex: "${input.textRegex}" is not a valid regular expression (${regex})`,
			);
		} else {
			filters.textRegex = regex;
		}
	}

	return problems.length ? { ok: false, problems } : { ok: true, filters };
}

/** Why a message does not pass the filters, or undefined when it passes. */
export function filterOut(message: SimplifiedMessage, filters: MessageFilters): string | undefined {
	if (filters.ignoreGroups && message.isGroup) return 'group message';
	if (filters.senders && !(message.from !== null && filters.senders.has(message.from))) {
		return 'sender not in Only These Senders';
	}
	if (filters.chats) {
		const chat = message.chatJid === null ? undefined : normalizeJid(message.chatJid);
		if (!(chat?.ok && filters.chats.has(chat.jid))) return 'chat not in Only These Chats';
	}
	if (filters.types && !filters.types.has(message.type)) return 'message type not selected';
	if (filters.textContains !== undefined) {
		const text = message.text ?? '';
		const haystack = filters.ignoreCase ? text.toLowerCase() : text;
		if (!haystack.includes(filters.textContains)) return 'text does not contain the filter text';
	}
	if (filters.textRegex && !filters.textRegex.test(message.text ?? '')) {
		return 'text does not match the regular expression';
	}
	return undefined;
}
