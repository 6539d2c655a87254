#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Wappfly contract server: a real HTTP server on 127.0.0.1 that answers like the Wappfly REST API
 * (shared/spec/wappfly-api-reference.txt), records every request, and lets tests flip the account's
 * state or inject failures. Node built-ins only, so `node test/server/wappfly-server.js` runs it as
 * a local sandbox (see `main()` at the bottom and `GET /sandbox`).
 *
 * Types live in wappfly-server.d.ts; read its comments for the contract details.
 */

const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');

/** @typedef {import('./wappfly-server').StartOptions} StartOptions */
/** @typedef {import('./wappfly-server').RecordedRequest} RecordedRequest */
/** @typedef {import('./wappfly-server').WappflyServer} WappflyServer */
/** @typedef {import('./wappfly-server').ServerState} ServerState */
/** @typedef {import('./wappfly-server').StoredMessage} StoredMessage */
/** @typedef {import('./wappfly-server').StoredChat} StoredChat */
/** @typedef {import('./wappfly-server').FailNextOptions} FailNextOptions */
/** @typedef {import('./wappfly-server').AddFileOptions} AddFileOptions */
/** @typedef {import('./wappfly-server').InboundEnvelopeParams} InboundEnvelopeParams */
/** @typedef {import('./wappfly-server').InboundEnvelope} InboundEnvelope */

const DEFAULT_TOKEN = 'test-token-0123456789abcdef';
const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024;
/** After this many bytes beyond the cap, an oversized upload is cut off instead of drained. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

const USER_JID_RE = /^\d{7,15}@s\.whatsapp\.net$/;
const GROUP_JID_RE = /^\d{10,25}(-\d{8,12})?@g\.us$/;
const NOT_BASE64_CHAR_RE = /[^A-Za-z0-9+/=]/;
const JSON_CONTENT_TYPE_RE = /^application\/json\s*(;.*)?$/i;

const SEED = Object.freeze({
	aliceJid: '15551234567@s.whatsapp.net',
	bobJid: '447700900123@s.whatsapp.net',
	carlaJid: '4915112345678@s.whatsapp.net',
	groupJid: '120363025246125244@g.us',
	/** from_me 1, to Alice: the reference's edit/delete target. */
	outgoingMsgId: 'BD9043CF84A700B5',
	/** from_me 0, from Alice: the reference's reply/reaction target. */
	incomingMsgId: '3EB06A40C80DF456A1B2',
	/** from_me 1, document to Alice. */
	outgoingDocumentMsgId: '5C2D8E9F0A1B2C3D',
	/** from_me 1, text in the group. */
	outgoingGroupMsgId: 'E4F1A2B3C4D5E6F7',
	/** from_me 0, image in the group (from a participant). */
	incomingGroupImageMsgId: '3EB0A1B2C3D4E5F6A7B8',
});

const ERRORS = Object.freeze({
	unauthorized: 'Missing or invalid X-API-Token header.',
	emailUnverified: 'Email not verified — confirm your email at /verify-pending before sending.',
	/** @param {string} name */
	disconnected: (name) =>
		`Session "${name}" is disconnected — reconnect this WhatsApp line from the dashboard before sending.`,
	/** @param {string} name */
	banned: (name) =>
		`Session "${name}" is banned by WhatsApp — this line can no longer send messages.`,
	/** @param {number} used @param {number} quota @param {string} plan */
	quota: (used, quota, plan) =>
		`Quota exceeded: ${used}/${quota} requests used on the ${plan} plan. Upgrade your plan or wait for the period to reset.`,
	/** @param {string} id @param {string} field */
	messageNotFound: (id, field) =>
		`Message ${id} not found (${field}). Use the msg_id of a message of this session, e.g. from /api/messages/recent or the webhook's key.id.`,
	/** @param {string} method @param {string} path */
	routeNotFound: (method, path) => `Not found: ${method} ${path} is not a Wappfly API endpoint.`,
});

/** @typedef {'jid' | 'text' | 'string' | 'optString' | 'file' | 'msgId'} FieldKind */
/**
 * @typedef {object} SendRoute
 * @property {string} type        message type stored in state.messages
 * @property {boolean} counted    counts against the quota
 * @property {Array<[string, FieldKind]>} fields
 * @property {string} [ref]       field naming a referenced message
 * @property {boolean} [ownOnly]  referenced message must be from_me 1
 */

/** @type {Record<string, SendRoute>} */
const SEND_ROUTES = {
	'/api/messages/send': {
		type: 'text',
		counted: true,
		fields: [
			['to', 'jid'],
			['text', 'text'],
		],
	},
	'/api/messages/image': {
		type: 'image',
		counted: true,
		fields: [
			['to', 'jid'],
			['file', 'file'],
			['caption', 'optString'],
			['mimetype', 'optString'],
		],
	},
	'/api/messages/video': {
		type: 'video',
		counted: true,
		fields: [
			['to', 'jid'],
			['file', 'file'],
			['caption', 'optString'],
			['mimetype', 'optString'],
		],
	},
	'/api/messages/document': {
		type: 'document',
		counted: true,
		fields: [
			['to', 'jid'],
			['file', 'file'],
			['filename', 'optString'],
			['mimetype', 'optString'],
			['caption', 'optString'],
		],
	},
	'/api/messages/audio': {
		type: 'audio',
		counted: true,
		fields: [
			['to', 'jid'],
			['file', 'file'],
			['mimetype', 'optString'],
		],
	},
	'/api/messages/reply': {
		type: 'text',
		counted: true,
		ref: 'quoted_msg_id',
		fields: [
			['to', 'jid'],
			['text', 'text'],
			['quoted_msg_id', 'msgId'],
		],
	},
	'/api/messages/reaction': {
		type: 'reaction',
		counted: false,
		ref: 'target_msg_id',
		fields: [
			['to', 'jid'],
			['emoji', 'string'],
			['target_msg_id', 'msgId'],
		],
	},
	'/api/messages/edit': {
		type: 'edit',
		counted: false,
		ref: 'target_msg_id',
		ownOnly: true,
		fields: [
			['to', 'jid'],
			['text', 'text'],
			['target_msg_id', 'msgId'],
		],
	},
	'/api/messages/delete': {
		type: 'delete',
		counted: false,
		ref: 'target_msg_id',
		ownOnly: true,
		fields: [
			['to', 'jid'],
			['target_msg_id', 'msgId'],
		],
	},
};

const READ_ROUTES = new Set([
	'/api/me',
	'/api/status',
	'/api/chats',
	'/api/history',
	'/api/messages/recent',
]);

const MEDIA_EXTENSIONS = /** @type {Record<string, string>} */ ({
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'video/mp4': 'mp4',
	'video/webm': 'webm',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
	'audio/mp4': 'm4a',
	'application/pdf': 'pdf',
	'application/zip': 'zip',
	'text/plain': 'txt',
});
const DEFAULT_EXTENSIONS = /** @type {Record<string, string>} */ ({
	image: 'jpg',
	video: 'mp4',
	audio: 'ogg',
	document: 'bin',
});

// ---------------------------------------------------------------------------------------------
// Small helpers

/** @param {Date} [date] @returns {string} `YYYY-MM-DD HH:MM:SS` in UTC, the API's timestamp format */
function sqlTimestamp(date = new Date()) {
	return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** @param {number} bytes */
function randomHex(bytes) {
	return crypto.randomBytes(bytes).toString('hex').toUpperCase();
}

/** @param {unknown} value */
function describeType(value) {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

/** @param {unknown} value @param {number} [max] */
function preview(value, max = 80) {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	if (text === undefined) return String(value);
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** @param {unknown} jid */
function isValidJid(jid) {
	return typeof jid === 'string' && (USER_JID_RE.test(jid) || GROUP_JID_RE.test(jid));
}

/** @param {string} field @param {unknown} value */
function invalidJidMessage(field, value) {
	return `${field} is not a valid WhatsApp JID: ${JSON.stringify(preview(value))}. Use <digits>@s.whatsapp.net for a user (7 to 15 digits with the country code, no +) or <id>@g.us for a group.`;
}

/**
 * Strict base64: standard alphabet, `=` padding only at the end, length a multiple of 4, no
 * whitespace or data: URL prefix, not empty. Fast path: Node's decoder skips characters outside
 * its alphabet, so a decoded length short of the expected one reveals any of them; it accepts the
 * URL-safe `-` and `_`, which are looked for separately. A precise reason is worked out only on
 * failure.
 * @param {string} text
 * @returns {{ ok: true, bytes: Buffer } | { ok: false, reason: string }}
 */
function decodeStrictBase64(text) {
	const fail = (/** @type {string} */ reason) => ({ ok: /** @type {false} */ (false), reason });
	if (text.length === 0) {
		return fail('it is empty. Send the base64-encoded bytes of the file.');
	}
	if (/^data:/i.test(text)) {
		const comma = text.indexOf(',');
		const prefix = comma === -1 ? text.slice(0, 40) : text.slice(0, comma + 1);
		return fail(
			`it starts with a data: URL prefix (${JSON.stringify(preview(prefix, 60))}). Send only the base64 payload after the comma.`,
		);
	}
	const len = text.length;
	const firstPad = text.indexOf('=');
	const padOk =
		firstPad === -1 ||
		firstPad === len - 1 ||
		(firstPad === len - 2 && text.charCodeAt(len - 1) === 0x3d);
	if (len % 4 === 0 && padOk && text.indexOf('-') === -1 && text.indexOf('_') === -1) {
		const bytes = Buffer.from(text, 'base64');
		const padding = firstPad === -1 ? 0 : len - firstPad;
		if (bytes.length === (len / 4) * 3 - padding) return { ok: true, bytes };
	}
	return fail(explainBadBase64(text, firstPad, padOk));
}

/** @param {string} text @param {number} firstPad @param {boolean} padOk */
function explainBadBase64(text, firstPad, padOk) {
	const bad = NOT_BASE64_CHAR_RE.exec(text);
	if (bad) {
		const ch = bad[0];
		let hint = 'only A-Z, a-z, 0-9, +, / and = padding are allowed';
		if (/\s/.test(ch)) hint = 'it contains whitespace or line breaks; send it on one line';
		else if (ch === '-' || ch === '_') {
			hint = 'it uses the URL-safe alphabet (- and _); use standard base64 (+ and /)';
		}
		return `character ${JSON.stringify(ch)} at position ${bad.index}: ${hint}.`;
	}
	if (text.length % 4 !== 0) {
		return `its length (${text.length}) is not a multiple of 4; the = padding is probably missing.`;
	}
	if (!padOk) return `padding "=" at position ${firstPad} is not at the end.`;
	return 'it could not be decoded.';
}

const FILE_KEY = Buffer.from('"file"', 'latin1');

/**
 * Fast path for big media bodies: finds the first `"file": "<string without escapes>"` in the raw
 * bytes, checks and decodes that string straight away, and JSON-parses the rest with a short
 * placeholder in its place, so the multi-megabyte string never goes through JSON.parse. The result
 * is used only when the placeholder ends up as the top-level `file` (which proves the match was
 * that very string); otherwise, or when the base64 is invalid, null (the caller parses normally).
 * @param {Buffer} buffer
 * @returns {{ parsed: Record<string, unknown>, decoded: { ok: true, bytes: Buffer } } | null}
 */
function fastParseMediaBody(buffer) {
	const at = buffer.indexOf(FILE_KEY);
	if (at === -1) return null;
	const isSpace = (/** @type {number | undefined} */ b) =>
		b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
	let i = at + FILE_KEY.length;
	while (isSpace(buffer[i])) i++;
	if (buffer[i] !== 0x3a) return null;
	i++;
	while (isSpace(buffer[i])) i++;
	if (buffer[i] !== 0x22) return null;
	const start = i + 1;
	const end = buffer.indexOf(0x22, start);
	if (end === -1) return null;
	const backslash = buffer.indexOf(0x5c, start);
	if (backslash !== -1 && backslash < end) return null;
	const value = buffer.toString('latin1', start, end);
	const decoded = decodeStrictBase64(value);
	if (!decoded.ok) return null;
	const placeholder = `__wappfly_file_${randomHex(8)}__`;
	let parsed;
	try {
		parsed = JSON.parse(
			buffer.toString('utf8', 0, start) + placeholder + buffer.toString('utf8', end),
		);
	} catch {
		return null;
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
	if (!Object.prototype.hasOwnProperty.call(parsed, 'file') || parsed.file !== placeholder)
		return null;
	parsed.file = value;
	return { parsed, decoded };
}

/**
 * @param {unknown} parsed
 * @returns {unknown} the body to record: a string `file` becomes '<base64:N bytes>' (N = its length)
 */
function bodyForRecord(parsed) {
	if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
		const obj = /** @type {Record<string, unknown>} */ (parsed);
		if (typeof obj.file === 'string') {
			return { ...obj, file: `<base64:${obj.file.length} bytes>` };
		}
	}
	return parsed;
}

/** @param {string | undefined} mimetype @param {string} type */
function mediaExtension(mimetype, type) {
	const base = (mimetype || '').split(';')[0].trim().toLowerCase();
	return MEDIA_EXTENSIONS[base] || DEFAULT_EXTENSIONS[type] || 'bin';
}

/** ASCII-only quoted filename, plus RFC 5987 filename* when the name is not plain ASCII. */
function contentDisposition(/** @type {string} */ fileName) {
	const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	let value = `attachment; filename="${ascii}"`;
	if (ascii !== fileName) {
		value += `; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
	}
	return value;
}

/** @param {string} rawUrl */
function splitUrl(rawUrl) {
	let url = rawUrl || '/';
	if (/^https?:\/\//i.test(url)) {
		try {
			const parsed = new URL(url);
			url = parsed.pathname + parsed.search;
		} catch {
			url = '/';
		}
	}
	const q = url.indexOf('?');
	const path = q === -1 ? url : url.slice(0, q);
	/** @type {Record<string, string>} */
	const query = {};
	if (q !== -1) {
		for (const [key, value] of new URLSearchParams(url.slice(q + 1))) {
			if (!(key in query)) query[key] = value;
		}
	}
	return { path, query };
}

// ---------------------------------------------------------------------------------------------
// State

/** @param {{ quota: number, requestsUsed: number, webhookUrl?: string, seed: boolean }} o @returns {ServerState} */
function initialState(o) {
	/** @type {ServerState} */
	const state = {
		sessionId: 8,
		sessionName: 'sales',
		status: 'connected',
		emailVerified: true,
		quota: o.quota,
		requestsUsed: o.requestsUsed,
		plan: { code: 'starter', name: 'Starter' },
		chats: [],
		messages: [],
		phoneJid: '15551234567:33@s.whatsapp.net',
		meName: 'Your Business',
		meLid: '265777475281011:33@lid',
		userId: 1,
		email: 'you@example.com',
		quotaPeriodStart: '2026-04-20 17:10:58',
		quotaPeriodResets: '2026-05-20T17:10:58+00:00',
	};
	if (o.webhookUrl) state.webhookUrl = o.webhookUrl;
	if (o.seed) {
		// prettier-ignore
		state.chats = [
			{ jid: SEED.aliceJid, name: 'Alice', is_group: 0, last_msg_at: '2026-05-20 17:19:21', unread: 0 },
			{ jid: SEED.groupJid, name: 'Wappfly Team', is_group: 1, last_msg_at: '2026-05-20 16:45:02', unread: 2 },
			{ jid: SEED.bobJid, name: 'Bob', is_group: 0, last_msg_at: '2026-05-19 09:12:44', unread: 1 },
			{ jid: SEED.carlaJid, name: 'Carla', is_group: 0, last_msg_at: '2026-05-18 14:02:11', unread: 0 },
		];
		/** @type {Array<[number, string, string, 0|1, string|null, string, string|null, string|null, string, string]>} */
		// prettier-ignore
		const rows = [
			[114, SEED.carlaJid, '3EB0B7E5D1C2A3F4E5D6', 0, SEED.carlaJid, 'text', 'Thanks, received!', null, '2026-05-18 14:02:11', 'received'],
			[115, SEED.groupJid, '3A1F9C2B7D5E8A60', 0, SEED.bobJid, 'text', 'Standup in 10 minutes', null, '2026-05-19 09:10:03', 'received'],
			[116, SEED.bobJid, '3EB0C4D2E1F0A9B8C7D6', 0, SEED.bobJid, 'text', 'Is the invoice ready?', null, '2026-05-19 09:12:44', 'received'],
			[117, SEED.groupJid, SEED.outgoingGroupMsgId, 1, null, 'text', 'On my way', null, '2026-05-20 16:40:10', 'read'],
			[118, SEED.groupJid, SEED.incomingGroupImageMsgId, 0, '905451552424@s.whatsapp.net', 'image', 'Whiteboard notes', `media/8/${SEED.incomingGroupImageMsgId}.jpg`, '2026-05-20 16:45:02', 'received'],
			[119, SEED.aliceJid, '3EB0F00D11223344AABB', 0, SEED.aliceJid, 'text', 'Hi! Do you ship to Canada?', null, '2026-05-20 17:10:40', 'received'],
			[120, SEED.aliceJid, SEED.outgoingDocumentMsgId, 1, null, 'document', 'Price list', `media/8/${SEED.outgoingDocumentMsgId}.pdf`, '2026-05-20 17:12:05', 'read'],
			[121, SEED.aliceJid, SEED.incomingMsgId, 0, SEED.aliceJid, 'text', 'merhaba', null, '2026-05-20 17:19:18', 'received'],
			[122, SEED.aliceJid, SEED.outgoingMsgId, 1, null, 'text', 'Hello from Wappfly', null, '2026-05-20 17:19:21', 'delivery_ack'],
		];
		state.messages = rows.map(
			([id, chat_jid, msg_id, from_me, sender_jid, type, body, media_path, timestamp, status]) => ({
				id,
				chat_jid,
				msg_id,
				from_me,
				sender_jid,
				type,
				body,
				media_path,
				timestamp,
				status,
			}),
		);
	}
	return state;
}

/** Newest first; same second -> higher id first. @param {StoredMessage} a @param {StoredMessage} b */
function newestFirst(a, b) {
	if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? 1 : -1;
	return b.id - a.id;
}

/** @param {ServerState} state @param {string} jid @param {string} [name] @param {string} [at] */
function touchChat(state, jid, name, at = sqlTimestamp()) {
	let chat = state.chats.find((c) => c.jid === jid);
	if (!chat) {
		chat = {
			jid,
			name: name || jid.split('@')[0],
			is_group: jid.endsWith('@g.us') ? 1 : 0,
			last_msg_at: at,
			unread: 0,
		};
		state.chats.push(chat);
	} else if (chat.last_msg_at < at) {
		chat.last_msg_at = at;
	}
	return chat;
}

/** @param {ServerState} state */
function nextMessageId(state) {
	return state.messages.reduce((max, m) => Math.max(max, m.id), 0) + 1;
}

/** @param {ServerState} state */
function newMsgId(state) {
	for (;;) {
		const id = randomHex(8);
		if (!state.messages.some((m) => m.msg_id === id)) return id;
	}
}

/**
 * Stores an inbound message as Wappfly does when one arrives (from_me 0, status 'received'): the
 * chat is created or bumped, its unread count and the quota's requestsUsed grow by one.
 * @param {ServerState} state
 * @param {{ chatJid: string, senderJid: string, msgId: string, type: string, body: string | null, at: string, pushName?: string, group: boolean }} m
 * @returns {StoredMessage}
 */
function storeInbound(state, m) {
	/** @type {StoredMessage} */
	const stored = {
		id: nextMessageId(state),
		chat_jid: m.chatJid,
		msg_id: m.msgId,
		from_me: 0,
		sender_jid: m.senderJid,
		type: m.type,
		body: m.body,
		media_path: null,
		timestamp: m.at,
		status: 'received',
	};
	state.messages.push(stored);
	const chat = touchChat(state, m.chatJid, m.group ? undefined : m.pushName, m.at);
	chat.unread += 1;
	state.requestsUsed += 1;
	return stored;
}

// ---------------------------------------------------------------------------------------------
// Body reading

/**
 * Streams the body into a list of chunks (one concat at the end), with a size cap. An oversized
 * body is drained (so the client can read the 413) up to MAX_DRAIN_BYTES past the cap, then cut.
 * @param {http.IncomingMessage} req
 * @param {number} maxBytes
 * @returns {Promise<{ buffer: Buffer | null, bytes: number, tooLarge: boolean, aborted: boolean }>}
 */
function readBody(req, maxBytes) {
	return new Promise((resolve) => {
		/** @type {Buffer[] | null} */
		let chunks = [];
		let bytes = 0;
		let tooLarge = false;
		let done = false;
		const declared = Number(req.headers['content-length']);
		if (Number.isFinite(declared) && declared > maxBytes) {
			tooLarge = true;
			chunks = null;
		}
		/** @param {boolean} aborted */
		const finish = (aborted) => {
			if (done) return;
			done = true;
			resolve({
				buffer: chunks && !aborted ? Buffer.concat(chunks, bytes) : null,
				bytes,
				tooLarge,
				aborted,
			});
		};
		req.on('data', (/** @type {Buffer} */ chunk) => {
			bytes += chunk.length;
			if (!tooLarge && bytes > maxBytes) {
				tooLarge = true;
				chunks = null;
			}
			if (chunks) chunks.push(chunk);
			else if (bytes > maxBytes + MAX_DRAIN_BYTES) {
				req.socket.destroy();
				finish(true);
			}
		});
		req.on('end', () => finish(false));
		req.on('error', () => finish(true));
		req.on('close', () => finish(!req.complete));
	});
}

// ---------------------------------------------------------------------------------------------
// Outbound HTTP (webhook delivery)

/**
 * @param {string} url
 * @param {string} payload
 * @returns {Promise<{ status: number, body: string }>}
 */
function postJson(url, payload) {
	return new Promise((resolve, reject) => {
		let target;
		try {
			target = new URL(url);
		} catch {
			reject(new Error(`Invalid webhook URL: ${url}`));
			return;
		}
		const lib = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
		if (!lib) {
			reject(new Error(`Unsupported webhook URL protocol: ${target.protocol}`));
			return;
		}
		const body = Buffer.from(payload, 'utf8');
		const req = lib.request(
			target,
			{
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'content-length': body.length,
					'user-agent': 'Wappfly-Webhook/1.0 (contract server)',
				},
				timeout: 30_000,
			},
			(res) => {
				/** @type {Buffer[]} */
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode || 0, body: Buffer.concat(chunks).toString('utf8') }),
				);
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`Webhook ${url} did not answer within 30 s`)));
		req.on('error', reject);
		req.end(body);
	});
}

// ---------------------------------------------------------------------------------------------
// Server

/**
 * @param {InboundEnvelopeParams} p
 * @param {ServerState} state
 * @returns {InboundEnvelope}
 */
function buildInboundEnvelope(p, state) {
	const text = p.text ?? 'merhaba';
	const fromRaw = String(p.from ?? '15551234567');
	const digits = fromRaw.replace(/@.*$/, '').replace(/:\d+$/, '').replace(/\D/g, '');
	const senderPn = `${digits}@s.whatsapp.net`;
	const now = Math.floor(Date.now() / 1000);
	/** @type {InboundEnvelope['data']['messages']['key']} */
	const key = {
		id: p.id ?? randomHex(10),
		fromMe: false,
		remoteJid: p.group ?? senderPn,
		...(p.group ? { participant: senderPn } : {}),
		addressingMode: 'pn',
		senderPn,
		cleanedSenderPn: digits,
		senderLid: null,
	};
	return {
		event: 'messages.received',
		timestamp: now,
		session: { id: p.sessionId ?? state.sessionId },
		data: {
			messages: {
				key,
				messageBody: p.messageBody !== undefined ? p.messageBody : text,
				message: p.message ?? { conversation: text },
				messageTimestamp: now,
				pushName: p.pushName ?? 'Alice',
			},
		},
	};
}

/**
 * @param {StartOptions} [opts]
 * @returns {Promise<WappflyServer>}
 */
function startWappflyServer(opts = {}) {
	const token = opts.token ?? DEFAULT_TOKEN;
	const host = opts.host ?? '127.0.0.1';
	const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
	const initial = {
		quota: opts.quota ?? 5000,
		requestsUsed: opts.requestsUsed ?? 127,
		webhookUrl: opts.webhookUrl,
		seed: opts.seed ?? true,
	};
	const log = opts.log;
	const tokenBuffer = Buffer.from(token, 'utf8');

	/** @type {FailNextOptions[]} */
	const failQueue = [];
	/** @type {Map<string, AddFileOptions>} */
	const files = new Map();
	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();

	/** @param {unknown} header */
	const tokenOk = (header) => {
		if (typeof header !== 'string') return false;
		const given = Buffer.from(header, 'utf8');
		return given.length === tokenBuffer.length && crypto.timingSafeEqual(given, tokenBuffer);
	};

	/** @param {number} ms */
	const sleep = (ms) =>
		new Promise((resolve) => {
			const t = setTimeout(() => {
				timers.delete(t);
				resolve(undefined);
			}, ms);
			timers.add(t);
		});

	/** @type {WappflyServer} */
	const api = {
		url: '',
		port: 0,
		token,
		requests: [],
		abortedRequests: [],
		fileRequests: [],
		state: initialState(initial),
		reset() {
			api.requests.length = 0;
			api.fileRequests.length = 0;
			api.abortedRequests.length = 0;
			failQueue.length = 0;
			const fresh = initialState(initial);
			for (const key of Object.keys(api.state)) delete (/** @type {any} */ (api.state)[key]);
			Object.assign(api.state, fresh);
		},
		close() {
			for (const t of timers) clearTimeout(t);
			timers.clear();
			return new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
		failNext(f) {
			failQueue.push({ ...f });
		},
		addFile(path, f) {
			if (typeof path !== 'string' || !path.startsWith('/')) {
				throw new Error(`addFile: path must start with "/" (got ${JSON.stringify(path)})`);
			}
			if (!Buffer.isBuffer(f.body)) throw new Error('addFile: body must be a Buffer');
			files.set(splitUrl(path).path, { ...f });
			return api.url + path;
		},
		sendInbound(webhookUrl, envelope, query) {
			let url = webhookUrl;
			if (query) {
				const q = query.replace(/^\?/, '');
				url += (url.includes('?') ? '&' : '?') + q;
			}
			return postJson(url, JSON.stringify(envelope));
		},
		inboundEnvelope(p = {}) {
			return buildInboundEnvelope(p, api.state);
		},
		receiveMessage(p = {}) {
			const problem = inboundProblem(p);
			if (problem) throw new Error(`receiveMessage: ${problem}`);
			const digits = String(p.from ?? '15551234567')
				.replace(/@.*$/, '')
				.replace(/:\d+$/, '')
				.replace(/\D/g, '');
			const senderJid = `${digits}@s.whatsapp.net`;
			return storeInbound(api.state, {
				chatJid: p.group ?? senderJid,
				senderJid,
				msgId: p.msgId ?? newMsgId(api.state),
				type: p.type ?? 'text',
				body: p.text === undefined ? 'merhaba' : p.text,
				at: sqlTimestamp(p.at ?? new Date()),
				pushName: p.pushName,
				group: p.group !== undefined,
			});
		},
	};

	/**
	 * What is wrong with receiveMessage's parameters, if anything.
	 * @param {Record<string, unknown>} p
	 */
	function inboundProblem(p) {
		for (const field of ['from', 'text', 'group', 'type', 'msgId', 'pushName']) {
			const value = p[field];
			if (value !== undefined && typeof value !== 'string' && !(field === 'text' && value === null))
				return `"${field}" must be a string when present`;
		}
		if (p.at !== undefined && !(p.at instanceof Date && !Number.isNaN(p.at.getTime())))
			return '"at" must be a valid Date when present';
		const from = /** @type {string | undefined} */ (p.from);
		if (
			from !== undefined &&
			!USER_JID_RE.test(
				`${from.replace(/@.*$/, '').replace(/:\d+$/, '').replace(/\D/g, '')}@s.whatsapp.net`,
			)
		)
			return `"from" must be a phone number with 7 to 15 digits (got ${JSON.stringify(preview(from))})`;
		const group = /** @type {string | undefined} */ (p.group);
		if (group !== undefined && !GROUP_JID_RE.test(group))
			return invalidJidMessage('"group"', group);
		return undefined;
	}

	// ---- responses ----------------------------------------------------------------------

	/**
	 * @param {http.ServerResponse} res
	 * @param {RecordedRequest | null} record
	 * @param {number} status
	 * @param {string | Buffer} body
	 * @param {Record<string, string | number>} headers
	 */
	function sendRaw(res, record, status, body, headers) {
		if (record) record.status = status;
		if (res.headersSent || res.destroyed) return;
		const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
		res.writeHead(status, { ...headers, 'content-length': buf.length });
		res.end(buf);
	}

	/**
	 * @param {http.ServerResponse} res
	 * @param {RecordedRequest | null} record
	 * @param {number} status
	 * @param {unknown} value
	 * @param {Record<string, string>} [headers]
	 */
	function sendJson(res, record, status, value, headers = {}) {
		sendRaw(res, record, status, JSON.stringify(value), {
			'content-type': 'application/json; charset=utf-8',
			...headers,
		});
	}

	/** @param {http.ServerResponse} res @param {RecordedRequest | null} record @param {number} status @param {string} message */
	function sendError(res, record, status, message) {
		sendJson(res, record, status, { error: message });
	}

	// ---- /api handlers ------------------------------------------------------------------

	/** @returns {{ status: number, value: unknown }} */
	function handleRead(/** @type {string} */ path, /** @type {Record<string, string>} */ query) {
		const s = api.state;
		switch (path) {
			case '/api/me':
				return {
					status: 200,
					value: {
						session: {
							id: s.sessionId,
							name: s.sessionName,
							status: s.status,
							phone_jid: s.phoneJid,
							me: { id: s.phoneJid, name: s.meName, lid: s.meLid },
						},
						user: {
							id: s.userId,
							email: s.email,
							plan: { code: s.plan.code, name: s.plan.name },
							quota: s.quota,
							requests_used: s.requestsUsed,
							requests_left: Math.max(0, s.quota - s.requestsUsed),
							quota_period_start: s.quotaPeriodStart,
							quota_period_resets: s.quotaPeriodResets,
						},
					},
				};
			case '/api/status':
				return {
					status: 200,
					value: {
						id: s.sessionId,
						name: s.sessionName,
						status: s.status,
						phone_jid: s.phoneJid,
						me: { id: s.phoneJid, name: s.meName },
					},
				};
			case '/api/chats':
				return {
					status: 200,
					value: [...s.chats]
						.sort((a, b) =>
							a.last_msg_at === b.last_msg_at ? 0 : a.last_msg_at < b.last_msg_at ? 1 : -1,
						)
						.map((c) => ({
							jid: c.jid,
							name: c.name,
							is_group: c.is_group,
							last_msg_at: c.last_msg_at,
							unread: c.unread,
						})),
				};
			case '/api/history': {
				const jid = query.jid;
				if (jid === undefined || jid === '') {
					return {
						status: 400,
						value: {
							error:
								'Query parameter "jid" is required, e.g. /api/history?jid=15551234567@s.whatsapp.net&limit=50.',
						},
					};
				}
				if (!isValidJid(jid)) {
					return { status: 400, value: { error: invalidJidMessage('Query parameter "jid"', jid) } };
				}
				const limit = parseLimit(query.limit, 50, 500);
				if (typeof limit === 'string') return { status: 400, value: { error: limit } };
				return {
					status: 200,
					value: s.messages
						.filter((m) => m.chat_jid === jid)
						.sort(newestFirst)
						.slice(0, limit)
						.map((m) => ({
							msg_id: m.msg_id,
							from_me: m.from_me,
							sender_jid: m.sender_jid,
							type: m.type,
							body: m.body,
							media_path: m.media_path,
							timestamp: m.timestamp,
							status: m.status,
						})),
				};
			}
			default: {
				// /api/messages/recent
				const limit = parseLimit(query.limit, 20, 100);
				if (typeof limit === 'string') return { status: 400, value: { error: limit } };
				return {
					status: 200,
					value: [...s.messages]
						.sort(newestFirst)
						.slice(0, limit)
						.map((m) => ({
							id: m.id,
							chat_jid: m.chat_jid,
							msg_id: m.msg_id,
							from_me: m.from_me,
							sender_jid: m.sender_jid,
							type: m.type,
							body: m.body,
							timestamp: m.timestamp,
							status: m.status,
						})),
				};
			}
		}
	}

	/**
	 * @param {string | undefined} raw
	 * @param {number} fallback
	 * @param {number} max
	 * @returns {number | string} the limit, or an error message
	 */
	function parseLimit(raw, fallback, max) {
		if (raw === undefined || raw === '') return fallback;
		if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
			return `Query parameter "limit" must be an integer from 1 to ${max} (got ${JSON.stringify(preview(raw, 40))}).`;
		}
		return Number(raw);
	}

	/**
	 * @param {SendRoute} route
	 * @param {Record<string, unknown>} body
	 * @param {{ ok: true, bytes: Buffer } | { ok: false, reason: string } | null} decoded
	 * @returns {{ status: number, value: unknown }}
	 */
	function handleSend(route, body, decoded) {
		/** @param {string} message */
		const bad = (message) => ({ status: 400, value: { error: message } });
		for (const [field, kind] of route.fields) {
			const value = body[field];
			if (kind === 'optString') {
				if (value !== undefined && typeof value !== 'string') {
					return bad(
						`Field "${field}" must be a string when present (got ${describeType(value)}); leave it out if you have no value.`,
					);
				}
				continue;
			}
			if (value === undefined) {
				return bad(`Field "${field}" is required.`);
			}
			if (typeof value !== 'string') {
				const what = kind === 'file' ? 'a base64 string' : 'a string';
				return bad(`Field "${field}" must be ${what} (got ${describeType(value)}).`);
			}
			if (kind === 'jid' && !isValidJid(value))
				return bad(invalidJidMessage(`Field "${field}"`, value));
			if (kind === 'text' && value === '') return bad(`Field "${field}" must not be empty.`);
			if (kind === 'msgId' && value === '') {
				return bad(`Field "${field}" must not be empty; pass the msg_id of the message.`);
			}
			if (kind === 'file' && decoded && !decoded.ok) {
				return bad(`file is not valid base64: ${decoded.reason}`);
			}
		}

		const s = api.state;
		if (!s.emailVerified) return { status: 403, value: { error: ERRORS.emailUnverified } };
		if (s.status !== 'connected') {
			const message =
				s.status === 'banned' ? ERRORS.banned(s.sessionName) : ERRORS.disconnected(s.sessionName);
			return { status: 403, value: { error: message } };
		}
		if (route.counted && s.requestsUsed >= s.quota) {
			return { status: 402, value: { error: ERRORS.quota(s.requestsUsed, s.quota, s.plan.name) } };
		}

		/** @type {StoredMessage | undefined} */
		let target;
		if (route.ref) {
			const id = /** @type {string} */ (body[route.ref]);
			target = s.messages.find((m) => m.msg_id === id);
			if (!target) return { status: 404, value: { error: ERRORS.messageNotFound(id, route.ref) } };
			if (route.ownOnly && target.from_me !== 1) {
				const verb = route.type === 'edit' ? 'edited' : 'deleted';
				return bad(
					`Message ${id} was not sent by this session (from_me is 0): only your own messages can be ${verb}.`,
				);
			}
			if (route.ownOnly && target.type === 'revoked') {
				return bad(`Message ${id} has already been deleted.`);
			}
		}

		const to = /** @type {string} */ (body.to);
		const now = sqlTimestamp();
		const msgId = newMsgId(s);
		let messageBody = /** @type {string | null} */ (null);
		let mediaPath = /** @type {string | null} */ (null);
		if (route.type === 'text' || route.type === 'edit')
			messageBody = /** @type {string} */ (body.text);
		else if (route.type === 'reaction') messageBody = /** @type {string} */ (body.emoji);
		else if (route.type !== 'delete') {
			messageBody = typeof body.caption === 'string' ? body.caption : null;
			mediaPath = `media/${s.sessionId}/${msgId}.${mediaExtension(/** @type {string | undefined} */ (body.mimetype), route.type)}`;
		}
		if (target && route.type === 'edit') target.body = messageBody;
		if (target && route.type === 'delete') {
			target.type = 'revoked';
			target.body = null;
			target.media_path = null;
		}
		s.messages.push({
			id: nextMessageId(s),
			chat_jid: to,
			msg_id: msgId,
			from_me: 1,
			sender_jid: null,
			type: route.type,
			body: messageBody,
			media_path: mediaPath,
			timestamp: now,
			status: 'sent',
		});
		touchChat(s, to, undefined, now);
		if (route.counted) s.requestsUsed += 1;
		return { status: 200, value: { queued: true, msg_id: msgId } };
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {string} path
	 * @param {Record<string, string>} query
	 */
	async function handleApi(req, res, path, query) {
		const receivedAt = Date.now();
		const method = req.method || 'GET';
		const isApi = path === '/api' || path.startsWith('/api/');
		const body = await readBody(req, maxBodyBytes);
		if (body.aborted) {
			api.abortedRequests.push({
				method,
				path,
				headers: { ...req.headers },
				rawBodyBytes: body.bytes,
			});
			return;
		}

		/** @type {unknown} */
		let parsed;
		let parseError = /** @type {string | null} */ (null);
		/** @type {{ ok: true, bytes: Buffer } | { ok: false, reason: string } | null} */
		let decoded = null;
		const fast =
			body.buffer && body.buffer.length >= 64 * 1024 ? fastParseMediaBody(body.buffer) : null;
		if (fast) {
			parsed = fast.parsed;
			decoded = fast.decoded;
		} else if (body.buffer && body.buffer.length > 0) {
			const text = body.buffer.toString('utf8');
			try {
				parsed = JSON.parse(text);
			} catch (error) {
				parseError = error instanceof Error ? error.message : String(error);
				parsed = text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
			}
			if (!parseError && parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
				const file = /** @type {Record<string, unknown>} */ (parsed).file;
				if (typeof file === 'string') decoded = decodeStrictBase64(file);
			}
		}
		/** @type {RecordedRequest} */
		const record = {
			method,
			path,
			query,
			headers: { ...req.headers },
			rawBodyBytes: body.bytes,
			body: parseError ? parsed : bodyForRecord(parsed),
			status: 0,
			receivedAt,
		};
		if (decoded && decoded.ok) {
			record.file = {
				bytes: decoded.bytes.length,
				sha256: crypto.createHash('sha256').update(decoded.bytes).digest('hex'),
			};
		}
		api.requests.push(record);
		res.on('finish', () => log?.(`${method} ${path} -> ${record.status}`));

		// Injected failure first.
		if (isApi && failQueue.length > 0) {
			const f = /** @type {FailNextOptions} */ (failQueue.shift());
			if (f.delayMs && f.delayMs > 0) await sleep(f.delayMs);
			if (f.reset) {
				record.status = 0;
				req.socket.destroy();
				return;
			}
			if (f.status !== undefined || f.body !== undefined) {
				const status = f.status ?? 500;
				const payload = f.body ?? JSON.stringify({ error: `Injected failure: HTTP ${status}.` });
				let contentType = f.contentType;
				if (!contentType) {
					const head = payload.trimStart();
					if (f.body === undefined || head.startsWith('{') || head.startsWith('[')) {
						contentType = 'application/json; charset=utf-8';
					} else if (head.startsWith('<')) contentType = 'text/html; charset=utf-8';
					else contentType = 'text/plain; charset=utf-8';
				}
				sendRaw(res, record, status, payload, { 'content-type': contentType, ...f.headers });
				return;
			}
			// delay only: answer normally.
		}

		if (!isApi) {
			sendError(res, record, 404, ERRORS.routeNotFound(method, path));
			return;
		}
		if (!tokenOk(req.headers['x-api-token'])) {
			sendError(res, record, 401, ERRORS.unauthorized);
			return;
		}
		if (body.tooLarge) {
			sendJson(
				res,
				record,
				413,
				{
					error: `Request body too large: ${body.bytes} bytes received, the limit is ${maxBodyBytes} bytes.`,
				},
				body.bytes > maxBodyBytes + MAX_DRAIN_BYTES ? { connection: 'close' } : {},
			);
			return;
		}

		const sendRoute = Object.prototype.hasOwnProperty.call(SEND_ROUTES, path)
			? SEND_ROUTES[path]
			: undefined;
		if (!sendRoute && !READ_ROUTES.has(path)) {
			sendError(res, record, 404, ERRORS.routeNotFound(method, path));
			return;
		}
		const allowed = sendRoute ? 'POST' : 'GET';
		if (method !== allowed) {
			sendJson(
				res,
				record,
				405,
				{ error: `Method ${method} is not allowed on ${path}; use ${allowed}.` },
				{ allow: allowed },
			);
			return;
		}
		if (!sendRoute) {
			const result = handleRead(path, query);
			sendJson(res, record, result.status, result.value);
			return;
		}

		const contentType = req.headers['content-type'];
		if (!contentType || !JSON_CONTENT_TYPE_RE.test(contentType)) {
			sendError(
				res,
				record,
				400,
				`Content-Type must be application/json (got ${contentType ? JSON.stringify(contentType) : 'no Content-Type header'}).`,
			);
			return;
		}
		if (body.bytes === 0) {
			sendError(res, record, 400, 'Request body is empty; send a JSON object.');
			return;
		}
		if (parseError) {
			sendError(res, record, 400, `Malformed JSON in request body: ${parseError}`);
			return;
		}
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
			sendError(
				res,
				record,
				400,
				`Request body must be a JSON object (got ${describeType(parsed)}).`,
			);
			return;
		}
		const result = handleSend(sendRoute, /** @type {Record<string, unknown>} */ (parsed), decoded);
		sendJson(res, record, result.status, result.value);
	}

	// ---- added files ----------------------------------------------------------------------

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {string} path
	 * @param {Record<string, string>} query
	 * @param {AddFileOptions} file
	 */
	async function handleFile(req, res, path, query, file) {
		const receivedAt = Date.now();
		const method = req.method || 'GET';
		const body = await readBody(req, 1024 * 1024);
		if (body.aborted) return;
		/** @type {RecordedRequest} */
		const record = {
			method,
			path,
			query,
			headers: { ...req.headers },
			rawBodyBytes: body.bytes,
			body: undefined,
			status: 0,
			receivedAt,
		};
		api.fileRequests.push(record);
		res.on('finish', () => log?.(`${method} ${path} -> ${record.status}`));
		if (method !== 'GET' && method !== 'HEAD') {
			sendJson(
				res,
				record,
				405,
				{ error: `Method ${method} is not allowed on ${path}; use GET.` },
				{ allow: 'GET, HEAD' },
			);
			return;
		}
		if (file.requireToken && !tokenOk(req.headers['x-api-token'])) {
			sendError(res, record, 401, ERRORS.unauthorized);
			return;
		}
		/** @type {Record<string, string>} */
		const headers = { 'content-type': file.contentType || 'application/octet-stream' };
		if (file.fileName) headers['content-disposition'] = contentDisposition(file.fileName);
		Object.assign(headers, file.headers);
		sendRaw(res, record, file.status ?? 200, file.body, headers);
	}

	// ---- sandbox --------------------------------------------------------------------------

	const sandboxHelp = () =>
		[
			'Wappfly sandbox (contract server, no real WhatsApp)',
			'',
			`API base URL : ${api.url}   (paths /api/...; header X-API-Token: ${token})`,
			`Webhook URL  : ${api.state.webhookUrl || '(none yet)'}`,
			'',
			'POST /sandbox/webhook  {"url": "http://localhost:5678/webhook/..."}',
			"    Sets the URL that inbound messages are POSTed to (your Wappfly Trigger's webhook URL).",
			'',
			'POST /sandbox/inbound  {"from": "15551234567", "text": "Hi", "pushName": "Alice"}',
			'    Simulates a customer message: stores it, POSTs a messages.received envelope to the',
			'    webhook URL and answers {"delivered": <webhook status>, "envelope": {...}}.',
			'    Optional: "group": "120363025246125244@g.us" to send it as a group message.',
			'',
			'Example:',
			`  curl -X POST ${api.url}/sandbox/inbound -H 'Content-Type: application/json' \\`,
			`    -d '{"from":"15551234567","text":"Hello!","pushName":"Alice"}'`,
			'',
		].join('\n');

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {string} path
	 */
	async function handleSandbox(req, res, path) {
		const method = req.method || 'GET';
		const body = await readBody(req, 1024 * 1024);
		if (body.aborted) return;
		res.on('finish', () => log?.(`${method} ${path} -> ${res.statusCode}`));
		if ((path === '/sandbox' || path === '/sandbox/') && method === 'GET') {
			sendRaw(res, null, 200, sandboxHelp(), { 'content-type': 'text/plain; charset=utf-8' });
			return;
		}
		const routes = ['/sandbox/webhook', '/sandbox/inbound'];
		if (!routes.includes(path)) {
			sendError(res, null, 404, `Not found: ${method} ${path}. See GET /sandbox for help.`);
			return;
		}
		if (method !== 'POST') {
			sendJson(
				res,
				null,
				405,
				{ error: `Method ${method} is not allowed on ${path}; use POST.` },
				{ allow: 'POST' },
			);
			return;
		}
		if (body.tooLarge) {
			sendError(res, null, 413, 'Request body too large for the sandbox (limit 1 MiB).');
			return;
		}
		/** @type {Record<string, unknown>} */
		let input = {};
		if (body.buffer && body.buffer.length > 0) {
			let parsedInput;
			try {
				parsedInput = JSON.parse(body.buffer.toString('utf8'));
			} catch (error) {
				sendError(
					res,
					null,
					400,
					`Malformed JSON in request body: ${error instanceof Error ? error.message : error}`,
				);
				return;
			}
			if (!parsedInput || typeof parsedInput !== 'object' || Array.isArray(parsedInput)) {
				sendError(res, null, 400, 'Request body must be a JSON object.');
				return;
			}
			input = parsedInput;
		}

		if (path === '/sandbox/webhook') {
			const url = input.url;
			let ok = false;
			if (typeof url === 'string') {
				try {
					ok = ['http:', 'https:'].includes(new URL(url).protocol);
				} catch {
					ok = false;
				}
			}
			if (!ok) {
				sendError(
					res,
					null,
					400,
					`Field "url" must be an http(s) URL (got ${JSON.stringify(preview(url))}).`,
				);
				return;
			}
			api.state.webhookUrl = /** @type {string} */ (url);
			sendJson(res, null, 200, { ok: true, webhookUrl: url });
			return;
		}

		// /sandbox/inbound
		for (const field of ['from', 'text', 'pushName', 'group']) {
			if (input[field] !== undefined && typeof input[field] !== 'string') {
				sendError(res, null, 400, `Field "${field}" must be a string when present.`);
				return;
			}
		}
		const from = /** @type {string | undefined} */ (input.from);
		if (
			from !== undefined &&
			!USER_JID_RE.test(
				`${from.replace(/@.*$/, '').replace(/:\d+$/, '').replace(/\D/g, '')}@s.whatsapp.net`,
			)
		) {
			sendError(
				res,
				null,
				400,
				`Field "from" must be a phone number with 7 to 15 digits (got ${JSON.stringify(preview(from))}).`,
			);
			return;
		}
		const group = /** @type {string | undefined} */ (input.group);
		if (group !== undefined && !GROUP_JID_RE.test(group)) {
			sendError(res, null, 400, invalidJidMessage('Field "group"', group));
			return;
		}
		if (!api.state.webhookUrl) {
			sendError(
				res,
				null,
				409,
				'No webhook URL set. POST /sandbox/webhook {"url": "..."} first, or start the server with --webhook URL.',
			);
			return;
		}
		const envelope = buildInboundEnvelope(
			{
				from,
				text: /** @type {string | undefined} */ (input.text) ?? 'Hello from the Wappfly sandbox',
				pushName: /** @type {string | undefined} */ (input.pushName) ?? 'Alice',
				group,
			},
			api.state,
		);
		const m = envelope.data.messages;
		const key = m.key;
		const s = api.state;
		storeInbound(s, {
			chatJid: key.remoteJid,
			senderJid: key.senderPn,
			msgId: key.id,
			type: 'text',
			body: m.messageBody,
			at: sqlTimestamp(new Date(m.messageTimestamp * 1000)),
			pushName: m.pushName,
			group: !!group,
		});
		try {
			const delivery = await postJson(s.webhookUrl || '', JSON.stringify(envelope));
			sendJson(res, null, 200, {
				delivered: delivery.status,
				response: preview(delivery.body, 2000),
				envelope,
			});
		} catch (error) {
			sendJson(res, null, 502, {
				error: `Could not deliver to the webhook ${s.webhookUrl}: ${error instanceof Error ? error.message : error}`,
				delivered: 0,
				envelope,
			});
		}
	}

	// ---- control (for tests that run the server in another process) -----------------------

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {string} path
	 */
	async function handleControl(req, res, path) {
		const method = req.method || 'GET';
		const body = await readBody(req, 1024 * 1024);
		if (body.aborted) return;
		/** @type {any} */
		let input = {};
		if (body.buffer && body.buffer.length > 0) {
			try {
				input = JSON.parse(body.buffer.toString('utf8'));
			} catch {
				sendError(res, null, 400, 'Malformed JSON in request body.');
				return;
			}
		}
		if (method === 'GET' && path === '/__control/requests') {
			sendJson(res, null, 200, { requests: api.requests, fileRequests: api.fileRequests });
		} else if (method === 'GET' && path === '/__control/state') {
			sendJson(res, null, 200, api.state);
		} else if (method === 'POST' && path === '/__control/state') {
			if (!input || typeof input !== 'object' || Array.isArray(input)) {
				sendError(res, null, 400, 'Body must be a JSON object of state fields.');
				return;
			}
			for (const key of Object.keys(input)) {
				if (Object.prototype.hasOwnProperty.call(api.state, key) || key === 'webhookUrl') {
					/** @type {any} */ (api.state)[key] = input[key];
				}
			}
			sendJson(res, null, 200, api.state);
		} else if (method === 'POST' && path === '/__control/reset') {
			api.reset();
			sendJson(res, null, 200, { ok: true });
		} else if (method === 'POST' && path === '/__control/inbound') {
			/** @type {any[]} */
			const list = (Array.isArray(input) ? input : [input]).map((/** @type {any} */ p) =>
				p && typeof p === 'object' && typeof p.at === 'string' ? { ...p, at: new Date(p.at) } : p,
			);
			const bad = list.filter((p) => !p || typeof p !== 'object' || Array.isArray(p));
			const problem = bad.length
				? 'Body must be a JSON object or an array of them.'
				: list.map((p) => inboundProblem(p)).find((x) => x);
			if (problem) {
				sendError(res, null, 400, problem);
				return;
			}
			const stored = list.map((p) => api.receiveMessage(p));
			sendJson(res, null, 200, Array.isArray(input) ? stored : stored[0]);
		} else if (method === 'POST' && path === '/__control/fail-next') {
			api.failNext(input && typeof input === 'object' ? input : {});
			sendJson(res, null, 200, { ok: true });
		} else {
			sendError(res, null, 404, `Not found: ${method} ${path}.`);
		}
	}

	// ---- dispatch -------------------------------------------------------------------------

	const server = http.createServer((req, res) => {
		req.on('error', () => {});
		res.on('error', () => {});
		opts.onRequest?.(req);
		const { path, query } = splitUrl(req.url || '/');
		/** @type {Promise<void>} */
		let work;
		const file = files.get(path);
		if (file) work = handleFile(req, res, path, query, file);
		else if (path === '/sandbox' || path.startsWith('/sandbox/'))
			work = handleSandbox(req, res, path);
		else if (path.startsWith('/__control/')) work = handleControl(req, res, path);
		else work = handleApi(req, res, path, query);
		work.catch((error) => {
			try {
				log?.(`internal error on ${req.method} ${path}: ${error && error.stack}`);
				if (!res.headersSent && !res.destroyed) {
					sendError(
						res,
						null,
						500,
						`Internal contract-server error: ${error instanceof Error ? error.message : error}`,
					);
				} else {
					res.destroy();
				}
			} catch {
				req.socket.destroy();
			}
		});
	});
	// Unparseable HTTP (garbage bytes, oversized headers, timeouts): answer if possible, then close.
	server.on('clientError', (error, socket) => {
		try {
			const code = /** @type {{ code?: string }} */ (error).code;
			if (socket.writable && !socket.destroyed && code !== 'ECONNRESET') {
				let status = '400 Bad Request';
				let message = `Bad HTTP request: ${error.message}`;
				if (code === 'HPE_HEADER_OVERFLOW') {
					status = '431 Request Header Fields Too Large';
					message = 'Request headers too large.';
				} else if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
					status = '408 Request Timeout';
					message = 'Request timed out.';
				}
				const payload = JSON.stringify({ error: message });
				socket.end(
					`HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
				);
			}
		} catch {
			// ignore: the socket is destroyed below
		}
		setTimeout(() => socket.destroy(), 50).unref();
	});

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, host, () => {
			server.off('error', reject);
			server.on('error', (error) => log?.(`server error: ${error.message}`));
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			const urlHost = host.includes(':') ? `[${host}]` : host;
			api.port = port;
			api.url = `http://${urlHost}:${port}`;
			resolve(api);
		});
	});
}

// ---------------------------------------------------------------------------------------------
// CLI

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {{ port: number, token?: string, webhook?: string, host?: string, seed: boolean }} */
	const out = { port: 8787, seed: true };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [name, inline] =
			arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) throw new Error(`${name} needs a value`);
			return v;
		};
		if (name === '--port') {
			const v = value();
			if (!/^\d+$/.test(v) || Number(v) > 65535)
				throw new Error(`--port must be 0..65535 (got ${v})`);
			out.port = Number(v);
		} else if (name === '--token') out.token = value();
		else if (name === '--webhook') out.webhook = value();
		else if (name === '--host') out.host = value();
		else if (name === '--no-seed') out.seed = false;
		else if (name === '--help' || name === '-h') {
			process.stdout.write(
				'Usage: node test/server/wappfly-server.js [--port 8787] [--token T] [--webhook URL] [--host 127.0.0.1] [--no-seed]\n',
			);
			process.exit(0);
		} else throw new Error(`Unknown argument: ${arg}`);
	}
	return out;
}

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error instanceof Error ? error.message : error}\nTry --help.\n`);
		process.exit(2);
	}
	let server;
	try {
		server = await startWappflyServer({
			port: args.port,
			token: args.token,
			host: args.host,
			seed: args.seed,
			webhookUrl: args.webhook,
			log: (line) => process.stdout.write(`[wappfly] ${line}\n`),
		});
	} catch (error) {
		const code = /** @type {{ code?: string }} */ (error).code;
		const hint =
			code === 'EADDRINUSE' ? ` Port ${args.port} is in use: pick another with --port.` : '';
		process.stderr.write(
			`Could not start the Wappfly contract server: ${error instanceof Error ? error.message : error}.${hint}\n`,
		);
		process.exit(1);
	}
	process.stdout.write(
		[
			'Wappfly contract server (sandbox) is running.',
			`  URL        : ${server.url}   (use it as the credential's Base URL)`,
			`  API token  : ${server.token}`,
			`  Webhook    : ${server.state.webhookUrl || '(none) — set it with POST /sandbox/webhook {"url": "..."}'}`,
			'',
			'Try:',
			`  curl ${server.url}/api/me -H 'X-API-Token: ${server.token}'`,
			`  curl -X POST ${server.url}/sandbox/inbound -H 'Content-Type: application/json' \\`,
			`    -d '{"from":"15551234567","text":"Hello!","pushName":"Alice"}'`,
			`  curl ${server.url}/sandbox   (help)`,
			'',
			'Press Ctrl+C to stop.',
			'',
		].join('\n'),
	);
	let closing = false;
	const stop = (/** @type {string} */ signal) => {
		if (closing) return;
		closing = true;
		process.stdout.write(`\n${signal} received, closing…\n`);
		server.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
		process.exit(1);
	});
}

module.exports = {
	startWappflyServer,
	decodeStrictBase64,
	isValidJid,
	DEFAULT_TOKEN,
	SEED,
	ERRORS,
};
