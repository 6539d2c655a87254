/**
 * Wappfly contract server (test/server/wappfly-server.js): a real HTTP server on 127.0.0.1 that
 * speaks the Wappfly API as documented in shared/spec/wappfly-api-reference.txt.
 *
 * Contract details that the reference leaves open, as this server implements them:
 *
 * Order of checks on an `/api/*` request:
 *   1. an injected failure (`failNext`), if one is queued;
 *   2. `X-API-Token` -> 401 `ERRORS.unauthorized` (same text whether missing or wrong);
 *   3. body larger than `maxBodyBytes` -> 413 `{"error":"Request body too large: ..."}`;
 *   4. unknown path -> 404 (`ERRORS.routeNotFound`); wrong method -> 405 with an `Allow` header;
 *   5. POST only: `Content-Type` not `application/json` (parameters such as charset allowed),
 *      empty body, malformed JSON, or a body that is not a JSON object -> 400;
 *   6. field validation in the route's field order (`to` first) -> 400 naming the field;
 *   7. sends only: email not verified -> 403 `ERRORS.emailUnverified`; session not connected ->
 *      403 `ERRORS.disconnected(name)` / `ERRORS.banned(name)`;
 *   8. quota-counted sends only (send, image, video, document, audio, reply):
 *      `requestsUsed >= quota` -> 402 `ERRORS.quota(...)`;
 *   9. reply/reaction/edit/delete: referenced msg id not in `state.messages` -> 404
 *      `ERRORS.messageNotFound(id, field)` (the message may belong to any chat: `to` is not
 *      matched against the message's chat);
 *  10. edit/delete of a message with `from_me` 0 -> **400** ("... was not sent by this session
 *      (from_me is 0): only your own messages can be edited/deleted."); edit/delete of a message
 *      already deleted -> 400 ("Message <id> has already been deleted.").
 *
 * Field rules: `to` must match `^\d{7,15}@s\.whatsapp\.net$` or `^\d{10,25}(-\d{8,12})?@g\.us$`;
 * `text` a non-empty string; `emoji` any string ('' removes the reaction); `quoted_msg_id` /
 * `target_msg_id` non-empty strings; optional fields (`caption`, `mimetype`, `filename`) must be
 * strings when present — `null` counts as present and is rejected; unknown fields are ignored.
 * `file` must be a non-empty strict base64 string (standard alphabet, `=` padding only at the end,
 * length % 4 == 0, no whitespace, no `data:` prefix), else 400 starting with
 * "file is not valid base64: ".
 *
 * Success on every send: 200 `{ "queued": true, "msg_id": "<16 upper-hex>" }`; the message is
 * appended to `state.messages` (from_me 1, sender_jid null, status 'sent', type 'text' for send and
 * reply, 'image' | 'video' | 'document' | 'audio' for media with `body` = caption or null and a
 * `media_path` like `media/8/<msg_id>.jpg`, 'reaction' with body = emoji, 'edit' with body = new
 * text, 'delete' with body null); the chat of `to` is created or its `last_msg_at` bumped.
 * An edit also replaces the target's `body`; a delete turns the target into type 'revoked' with
 * body and media_path null.
 *
 * Reads: `/api/history` with a valid JID that has no messages answers `[]` (not 404); `limit`
 * must be an integer 1..500 (history, default 50) or 1..100 (recent, default 20), an empty
 * `limit=` means the default. Timestamps are `YYYY-MM-DD HH:MM:SS` in UTC; lists are newest first.
 *
 * Outside `/api`: any other path that is not an added file, `/sandbox*` or `/__control/*` answers
 * 404 JSON without a token check and is recorded in `requests`.
 */

/// <reference types="node" />

export interface StartOptions {
	/** Accepted X-API-Token. Default `DEFAULT_TOKEN` ('test-token-0123456789abcdef'). */
	token?: string;
	/** Default 0 = a random free port. */
	port?: number;
	/** Default '127.0.0.1'. */
	host?: string;
	/** Default true: 4 chats and 9 messages, see `SEED`. */
	seed?: boolean;
	/** Default 5000. */
	quota?: number;
	/** Default 127. */
	requestsUsed?: number;
	/** Default 100 MiB; a larger body gets 413 JSON (after the token check). */
	maxBodyBytes?: number;
	/** Extension: initial `state.webhookUrl` for the sandbox (kept across `reset()`). */
	webhookUrl?: string;
	/** Extension: called with one line per answered request (the CLI prints them). */
	log?: (line: string) => void;
	/**
	 * Extension: called synchronously as each request's headers arrive, while its connection is
	 * still open (the queue-mode test uses it to find which process opened the connection).
	 */
	onRequest?: (req: import('node:http').IncomingMessage) => void;
}

export interface RecordedRequest {
	method: string;
	/** Path without the query string, not percent-decoded. */
	path: string;
	/** Query parameters, decoded; for a repeated name the first value wins. */
	query: Record<string, string>;
	/** Lowercased names, as Node gives them. */
	headers: Record<string, string | string[] | undefined>;
	/** Bytes of the raw body actually received (also for a rejected, oversized body). */
	rawBodyBytes: number;
	/**
	 * Parsed JSON body; a top-level string `file` is replaced by `'<base64:N bytes>'` where N is the
	 * length of the base64 text (use `file.bytes` for the decoded size). `undefined` when there was
	 * no body (or it was over the limit); the raw text (cut at 4096 chars) when it was not JSON.
	 */
	body: unknown;
	/** Decoded `file` of the body when it is valid strict base64 (whatever the other fields). */
	file?: { bytes: number; sha256: string };
	/**
	 * Status the server answered. 0 while the answer is pending (e.g. during a `delayMs`), and for
	 * a `failNext({ reset: true })` request. A request is recorded as soon as its body has been
	 * read; an upload aborted by the client before its end is not recorded.
	 */
	status: number;
	/**
	 * When the request arrived (`Date.now()` as its headers came in, before the body was read):
	 * the gaps between sends show the pacing of a run.
	 */
	receivedAt: number;
}

export interface AbortedRequest {
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	/** Bytes of the body that arrived before the connection was closed. */
	rawBodyBytes: number;
}

export interface StoredChat {
	jid: string;
	name: string;
	is_group: 0 | 1;
	last_msg_at: string;
	unread: number;
}

export interface StoredMessage {
	id: number;
	chat_jid: string;
	msg_id: string;
	from_me: 0 | 1;
	sender_jid: string | null;
	type: string;
	body: string | null;
	media_path: string | null;
	timestamp: string;
	status: string;
}

export interface ServerState {
	/** 8 */
	sessionId: number;
	/** 'sales' */
	sessionName: string;
	/** Sends (counted or free) answer 403 unless 'connected'. */
	status: 'connected' | 'disconnected' | 'banned';
	/** false -> 403 `ERRORS.emailUnverified` on every send. */
	emailVerified: boolean;
	/** 402 on quota-counted sends when requestsUsed >= quota. */
	quota: number;
	requestsUsed: number;
	/** { code: 'starter', name: 'Starter' }; its name appears in the 402 message. */
	plan: { code: string; name: string };
	chats: StoredChat[];
	messages: StoredMessage[];
	/** Where `/sandbox/inbound` delivers. */
	webhookUrl?: string;
	/** Extension, shown by /api/me and /api/status: '15551234567:33@s.whatsapp.net'. */
	phoneJid: string;
	/** Extension: 'Your Business'. */
	meName: string;
	/** Extension: '265777475281011:33@lid'. */
	meLid: string;
	/** Extension: 1. */
	userId: number;
	/** Extension: 'you@example.com'. */
	email: string;
	/** Extension: '2026-04-20 17:10:58'. */
	quotaPeriodStart: string;
	/** Extension: '2026-05-20T17:10:58+00:00'. */
	quotaPeriodResets: string;
}

export interface FailNextOptions {
	/** Status to answer (default 500 when `body` is given). */
	status?: number;
	/** Body to answer (default `{"error":"Injected failure: HTTP <status>."}`). */
	body?: string;
	/**
	 * Default: JSON when the body is generated or starts with `{`/`[`, text/html when it starts
	 * with `<`, else text/plain.
	 */
	contentType?: string;
	/** Destroy the socket without an answer (after `delayMs` if given). */
	reset?: boolean;
	/** Wait this long first; alone (no status/body/reset), then answer normally. */
	delayMs?: number;
	/** Extra response headers (with `status`/`body`), e.g. `{ location: '...' }` for a redirect. */
	headers?: Record<string, string>;
}

export interface AddFileOptions {
	body: Buffer;
	/** Default 'application/octet-stream'. */
	contentType?: string;
	/** Sets `Content-Disposition: attachment; filename="..."` (+ `filename*` when not ASCII). */
	fileName?: string;
	/** 401 `ERRORS.unauthorized` JSON without a valid X-API-Token. */
	requireToken?: boolean;
	/** Status to serve the body with, default 200. */
	status?: number;
	/** Extra response headers, e.g. `{ location: '/elsewhere' }` with a 3xx `status`. */
	headers?: Record<string, string>;
}

export interface InboundEnvelopeParams {
	/** Sender phone number (digits; '+', a JID or a device suffix are stripped). Default '15551234567'. */
	from?: string;
	/** Default 'merhaba'. */
	text?: string;
	/** Default 'Alice'. */
	pushName?: string;
	/** Default `{ conversation: text }`. */
	message?: object;
	/** key.id; default 20 random upper-case hex characters. */
	id?: string;
	/** A group JID: becomes remoteJid, and the sender goes in key.participant. */
	group?: string;
	/** Default `state.sessionId`. */
	sessionId?: number;
	/** Default `text`; pass null for a media message without caption. */
	messageBody?: string | null;
}

export interface ReceiveMessageParams {
	/** Sender phone number (digits; '+', a JID or a device suffix are stripped). Default '15551234567'. */
	from?: string;
	/** The stored `body`. Default 'merhaba'; null for a file without caption. */
	text?: string | null;
	/** A group JID: the message is stored in that chat, from `from`. */
	group?: string;
	/** The stored `type`. Default 'text'. */
	type?: string;
	/** The stored `msg_id`. Default 16 random upper-case hex characters. */
	msgId?: string;
	/** Names the chat when it is created (one-to-one chats). */
	pushName?: string;
	/** The stored `timestamp`. Default now. */
	at?: Date;
}

export interface InboundEnvelope {
	event: 'messages.received';
	timestamp: number;
	session: { id: number };
	data: {
		messages: {
			key: {
				id: string;
				fromMe: false;
				remoteJid: string;
				participant?: string;
				addressingMode: 'pn';
				senderPn: string;
				cleanedSenderPn: string;
				senderLid: null;
			};
			messageBody: string | null;
			message: object;
			messageTimestamp: number;
			pushName: string;
		};
	};
}

export interface WappflyServer {
	/** e.g. 'http://127.0.0.1:41234' (no trailing slash). */
	url: string;
	port: number;
	token: string;
	/**
	 * Every request except added files, `/sandbox*` and `/__control/*`, in order, rejected ones
	 * included (401, 404, 413, injected failures...).
	 */
	requests: RecordedRequest[];
	/**
	 * Extension: `/api/*` requests whose body the client broke off before its announced end (an
	 * upload that failed half-way). They are not in `requests` and were not acted upon.
	 */
	abortedRequests: AbortedRequest[];
	/** Mutable in place: tests flip these. `reset()` keeps the same object. */
	state: ServerState;
	/**
	 * Clears `requests`, `abortedRequests`, `fileRequests` and queued failures and restores the initial state and seed
	 * (in place). Added files stay.
	 */
	reset(): void;
	/** Stops listening and closes every connection. */
	close(): Promise<void>;
	/**
	 * The next `/api/*` request gets this instead of normal handling (checked before the token).
	 * Calls queue up: two calls affect the next two requests. Recorded in `requests`.
	 */
	failNext(f: FailNextOptions): void;
	/**
	 * Serves `body` at GET/HEAD `<url><path>` (path must start with '/'; the query string is ignored
	 * when matching). Returns the full URL. Requests go to `fileRequests`, not `requests`. Adding the
	 * same path again replaces the file.
	 */
	addFile(path: string, f: AddFileOptions): string;
	fileRequests: RecordedRequest[];
	/**
	 * POSTs the envelope as JSON to a webhook (`query` is appended, with or without a leading '?').
	 * Rejects on a network error.
	 */
	sendInbound(
		webhookUrl: string,
		envelope: object,
		query?: string,
	): Promise<{ status: number; body: string }>;
	/** Builds a `messages.received` envelope like the reference's example; does not touch state. */
	inboundEnvelope(p?: InboundEnvelopeParams): InboundEnvelope;
	/**
	 * Stores an inbound message as if it had just arrived on the line, without delivering any
	 * webhook: from_me 0, status 'received', the next row `id` (one more than the highest), the
	 * chat created or bumped (unread + 1), requestsUsed + 1. Returns the stored row. Throws on
	 * parameters the sandbox would refuse (a bad `from` or `group`).
	 */
	receiveMessage(p?: ReceiveMessageParams): StoredMessage;
}

/**
 * Starts the server. Besides `/api/*` it serves:
 * - `GET /sandbox` (plain-text help), `POST /sandbox/webhook {url}` (sets state.webhookUrl),
 *   `POST /sandbox/inbound {from?, text?, pushName?, group?}`: stores the inbound message (from_me 0,
 *   chat created/bumped, unread + 1, requestsUsed + 1 since inbound messages count), POSTs the
 *   envelope to state.webhookUrl and answers 200 `{ delivered: <webhook status>, response, envelope }`
 *   (502 `{ error, delivered: 0, envelope }` when the webhook is unreachable, 409 when no webhook
 *   URL is set). No token, Content-Type not checked, not recorded.
 * - `/__control/*` for tests that run the server in another process (no token, not recorded):
 *   `GET requests` -> `{ requests, fileRequests }`, `GET state`, `POST state` (merges known
 *   fields), `POST reset`, `POST fail-next` (body = FailNextOptions), `POST inbound` (body = ReceiveMessageParams,
 *   or an array of them, `at` as ISO text: receiveMessage for each; answers the stored row(s), 400
 *   naming the problem).
 */
export function startWappflyServer(opts?: StartOptions): Promise<WappflyServer>;

/** Strict base64 check + decode used for `file`. */
export function decodeStrictBase64(
	text: string,
): { ok: true; bytes: Buffer } | { ok: false; reason: string };

/** True for a user JID (`<7-15 digits>@s.whatsapp.net`) or a group JID (`<id>@g.us`). */
export function isValidJid(jid: unknown): boolean;

/** 'test-token-0123456789abcdef' */
export const DEFAULT_TOKEN: string;

/** Seeded JIDs and message ids (present when `seed` is true). */
export const SEED: Readonly<{
	/** '15551234567@s.whatsapp.net', chat "Alice" */
	aliceJid: string;
	/** '447700900123@s.whatsapp.net', chat "Bob" */
	bobJid: string;
	/** '4915112345678@s.whatsapp.net', chat "Carla" */
	carlaJid: string;
	/** '120363025246125244@g.us', group chat "Wappfly Team" */
	groupJid: string;
	/** 'BD9043CF84A700B5': from_me 1, text, to Alice (edit/delete target). */
	outgoingMsgId: string;
	/** '3EB06A40C80DF456A1B2': from_me 0, text 'merhaba', from Alice (reply/reaction target). */
	incomingMsgId: string;
	/** '5C2D8E9F0A1B2C3D': from_me 1, document to Alice. */
	outgoingDocumentMsgId: string;
	/** 'E4F1A2B3C4D5E6F7': from_me 1, text in the group. */
	outgoingGroupMsgId: string;
	/** '3EB0A1B2C3D4E5F6A7B8': from_me 0, image in the group. */
	incomingGroupImageMsgId: string;
}>;

/** The exact error texts. */
export const ERRORS: Readonly<{
	/** 'Missing or invalid X-API-Token header.' */
	unauthorized: string;
	/** 'Email not verified — confirm your email at /verify-pending before sending.' */
	emailUnverified: string;
	/** 'Session "<name>" is disconnected — reconnect this WhatsApp line from the dashboard before sending.' */
	disconnected(name: string): string;
	/** 'Session "<name>" is banned by WhatsApp — this line can no longer send messages.' */
	banned(name: string): string;
	/** 'Quota exceeded: <used>/<quota> requests used on the <plan> plan. Upgrade your plan or wait for the period to reset.' */
	quota(used: number, quota: number, plan: string): string;
	/** 'Message <id> not found (<field>). Use the msg_id of a message of this session, e.g. from /api/messages/recent or the webhook's key.id.' */
	messageNotFound(id: string, field: string): string;
	/** 'Not found: <METHOD> <path> is not a Wappfly API endpoint.' */
	routeNotFound(method: string, path: string): string;
}>;
