/// <reference types="jest" />
import { createHash, randomBytes } from 'node:crypto';

import { http, net, sleep, spawnNodeScript, startTimer, stopTimer } from '../support/node';

import {
	DEFAULT_TOKEN,
	ERRORS,
	SEED,
	decodeStrictBase64,
	isValidJid,
	startWappflyServer,
	type WappflyServer,
} from './wappfly-server';

jest.setTimeout(30_000);

const ALICE = SEED.aliceJid;
const GROUP = SEED.groupJid;
const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const PNG_B64 = PNG_BYTES.toString('base64');

interface CallOptions {
	body?: unknown;
	rawBody?: string;
	token?: string | null;
	headers?: Record<string, string>;
	contentType?: string | null;
	signal?: AbortSignal;
}

interface CallResult {
	status: number;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed API answers are read field by field
	json: any;
	headers: Headers;
}

let server: WappflyServer;

async function call(
	method: string,
	urlPath: string,
	opts: CallOptions = {},
	target: WappflyServer = server,
): Promise<CallResult> {
	const headers: Record<string, string> = { ...opts.headers };
	const token = opts.token === undefined ? target.token : opts.token;
	if (token !== null) headers['X-API-Token'] = token;
	let body: string | undefined;
	if (opts.rawBody !== undefined) body = opts.rawBody;
	else if (opts.body !== undefined) body = JSON.stringify(opts.body);
	const contentType = opts.contentType === undefined ? 'application/json' : opts.contentType;
	if (body !== undefined && contentType !== null) headers['Content-Type'] = contentType;
	const res = await fetch(target.url + urlPath, { method, headers, body, signal: opts.signal });
	const text = await res.text();
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see CallResult.json
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, text, json, headers: res.headers };
}

const post = (urlPath: string, body: unknown, opts: CallOptions = {}) =>
	call('POST', urlPath, { ...opts, body });
const get = (urlPath: string, opts: CallOptions = {}) => call('GET', urlPath, opts);

function lastRequest() {
	const request = server.requests[server.requests.length - 1];
	if (!request) throw new Error('no request recorded');
	return request;
}

/** Sends raw bytes on a TCP socket and collects everything until the server closes it. */
function rawExchange(
	payload: Buffer | string,
	opts: { destroyAfterWrite?: boolean; waitMs?: number } = {},
): Promise<string> {
	return new Promise((resolve) => {
		const socket = net.connect(server.port, '127.0.0.1');
		const chunks: Buffer[] = [];
		let settled = false;
		const done = () => {
			if (settled) return;
			settled = true;
			stopTimer(timer);
			socket.destroy();
			resolve(Buffer.concat(chunks).toString('latin1'));
		};
		const timer = startTimer(done, opts.waitMs ?? 2000);
		socket.on('data', (chunk) => chunks.push(chunk));
		socket.on('error', done);
		socket.on('close', done);
		socket.on('connect', () => {
			socket.write(payload, () => {
				if (opts.destroyAfterWrite) done();
			});
		});
	});
}

beforeAll(async () => {
	server = await startWappflyServer();
});

afterAll(async () => {
	await server.close();
});

beforeEach(() => {
	server.reset();
});

describe('startup', () => {
	it('listens on 127.0.0.1 with a random port and the default token', () => {
		expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
		expect(server.port).toBeGreaterThan(0);
		expect(server.token).toBe('test-token-0123456789abcdef');
		expect(DEFAULT_TOKEN).toBe(server.token);
	});

	it('honours token, quota, requestsUsed and seed options', async () => {
		const other = await startWappflyServer({
			token: 'other-token',
			quota: 50,
			requestsUsed: 3,
			seed: false,
		});
		try {
			expect(other.url).not.toBe(server.url);
			const me = await call('GET', '/api/me', {}, other);
			expect(me.status).toBe(200);
			expect(me.json.user).toMatchObject({ quota: 50, requests_used: 3, requests_left: 47 });
			const chats = await call('GET', '/api/chats', {}, other);
			expect(chats.json).toEqual([]);
			const rejected = await call('GET', '/api/me', { token: DEFAULT_TOKEN }, other);
			expect(rejected.status).toBe(401);
		} finally {
			await other.close();
		}
	});
});

describe('authentication', () => {
	it('answers 401 with the reference text when the token is missing', async () => {
		const res = await get('/api/me', { token: null });
		expect(res.status).toBe(401);
		expect(res.json).toEqual({ error: 'Missing or invalid X-API-Token header.' });
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(lastRequest()).toMatchObject({ method: 'GET', path: '/api/me', status: 401 });
	});

	it('answers 401 when the token is wrong, on reads and sends alike', async () => {
		const read = await get('/api/chats', { token: 'wrong' });
		expect(read.status).toBe(401);
		expect(read.json.error).toBe(ERRORS.unauthorized);
		const send = await post(
			'/api/messages/send',
			{ to: ALICE, text: 'hi' },
			{ token: `${server.token}x` },
		);
		expect(send.status).toBe(401);
		expect(server.state.messages).toHaveLength(9);
		expect(server.state.requestsUsed).toBe(127);
	});

	it('checks the token before the route, the method and the body', async () => {
		expect((await get('/api/nope', { token: null })).status).toBe(401);
		expect((await get('/api/messages/send', { token: null })).status).toBe(401);
		expect(
			(await call('POST', '/api/messages/send', { rawBody: '{bad', token: null })).status,
		).toBe(401);
	});

	it('records rejected requests with their lowercased headers', async () => {
		await get('/api/me', { token: 'bad', headers: { 'X-Custom-Thing': 'yes' } });
		const request = lastRequest();
		expect(request.headers['x-api-token']).toBe('bad');
		expect(request.headers['x-custom-thing']).toBe('yes');
		expect(request.status).toBe(401);
	});
});

describe('routing', () => {
	it('answers 404 JSON for an unknown /api route', async () => {
		const res = await get('/api/messages/unknown');
		expect(res.status).toBe(404);
		expect(res.json.error).toBe(ERRORS.routeNotFound('GET', '/api/messages/unknown'));
	});

	it('answers 404 JSON outside /api without asking for a token, and records it', async () => {
		const res = await get('/favicon.ico', { token: null });
		expect(res.status).toBe(404);
		expect(res.json.error).toContain('/favicon.ico');
		expect(lastRequest()).toMatchObject({ path: '/favicon.ico', status: 404 });
	});

	it('answers 405 with Allow for a wrong method on a known route', async () => {
		const getOnSend = await get('/api/messages/send');
		expect(getOnSend.status).toBe(405);
		expect(getOnSend.headers.get('allow')).toBe('POST');
		expect(getOnSend.json.error).toMatch(/use POST/);
		const postOnMe = await post('/api/me', {});
		expect(postOnMe.status).toBe(405);
		expect(postOnMe.headers.get('allow')).toBe('GET');
	});

	it('records method, path and decoded query', async () => {
		await get(`/api/history?jid=${encodeURIComponent(ALICE)}&limit=2`);
		expect(lastRequest()).toMatchObject({
			method: 'GET',
			path: '/api/history',
			query: { jid: ALICE, limit: '2' },
			rawBodyBytes: 0,
			body: undefined,
			status: 200,
		});
	});
});

describe('GET /api/me and /api/status', () => {
	it('returns the reference shape of /api/me', async () => {
		const res = await get('/api/me');
		expect(res.status).toBe(200);
		expect(res.json).toEqual({
			session: {
				id: 8,
				name: 'sales',
				status: 'connected',
				phone_jid: '15551234567:33@s.whatsapp.net',
				me: {
					id: '15551234567:33@s.whatsapp.net',
					name: 'Your Business',
					lid: '265777475281011:33@lid',
				},
			},
			user: {
				id: 1,
				email: 'you@example.com',
				plan: { code: 'starter', name: 'Starter' },
				quota: 5000,
				requests_used: 127,
				requests_left: 4873,
				quota_period_start: '2026-04-20 17:10:58',
				quota_period_resets: '2026-05-20T17:10:58+00:00',
			},
		});
	});

	it('reflects the mutable state', async () => {
		server.state.status = 'disconnected';
		server.state.plan = { code: 'free', name: 'Free' };
		server.state.quota = 50;
		server.state.requestsUsed = 60;
		const res = await get('/api/me');
		expect(res.json.session.status).toBe('disconnected');
		expect(res.json.user).toMatchObject({
			plan: { code: 'free', name: 'Free' },
			quota: 50,
			requests_used: 60,
			requests_left: 0,
		});
	});

	it('returns the reference shape of /api/status', async () => {
		const res = await get('/api/status');
		expect(res.status).toBe(200);
		expect(res.json).toEqual({
			id: 8,
			name: 'sales',
			status: 'connected',
			phone_jid: '15551234567:33@s.whatsapp.net',
			me: { id: '15551234567:33@s.whatsapp.net', name: 'Your Business' },
		});
		server.state.status = 'banned';
		expect((await get('/api/status')).json.status).toBe('banned');
	});
});

describe('GET /api/chats', () => {
	it('lists the seeded chats newest first in the reference shape', async () => {
		const res = await get('/api/chats');
		expect(res.status).toBe(200);
		expect(res.json.map((c: { jid: string }) => c.jid)).toEqual([
			SEED.aliceJid,
			SEED.groupJid,
			SEED.bobJid,
			SEED.carlaJid,
		]);
		expect(res.json[0]).toEqual({
			jid: '15551234567@s.whatsapp.net',
			name: 'Alice',
			is_group: 0,
			last_msg_at: '2026-05-20 17:19:21',
			unread: 0,
		});
		expect(res.json[1]).toMatchObject({ jid: '120363025246125244@g.us', is_group: 1 });
	});

	it('creates a chat on the first send to a new JID and puts it first', async () => {
		const to = '4930123456789@s.whatsapp.net';
		expect((await post('/api/messages/send', { to, text: 'Hallo' })).status).toBe(200);
		const res = await get('/api/chats');
		expect(res.json).toHaveLength(5);
		expect(res.json[0]).toMatchObject({ jid: to, is_group: 0, unread: 0 });
		expect(res.json[0].last_msg_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
	});
});

describe('GET /api/history', () => {
	it("returns a chat's messages newest first in the history shape", async () => {
		const res = await get(`/api/history?jid=${encodeURIComponent(ALICE)}`);
		expect(res.status).toBe(200);
		expect(res.json.map((m: { msg_id: string }) => m.msg_id)).toEqual([
			SEED.outgoingMsgId,
			SEED.incomingMsgId,
			SEED.outgoingDocumentMsgId,
			'3EB0F00D11223344AABB',
		]);
		expect(res.json[0]).toEqual({
			msg_id: 'BD9043CF84A700B5',
			from_me: 1,
			sender_jid: null,
			type: 'text',
			body: 'Hello from Wappfly',
			media_path: null,
			timestamp: '2026-05-20 17:19:21',
			status: 'delivery_ack',
		});
		expect(res.json[1]).toEqual({
			msg_id: '3EB06A40C80DF456A1B2',
			from_me: 0,
			sender_jid: '15551234567@s.whatsapp.net',
			type: 'text',
			body: 'merhaba',
			media_path: null,
			timestamp: '2026-05-20 17:19:18',
			status: 'received',
		});
	});

	it('honours limit, and an empty limit means the default', async () => {
		expect((await get(`/api/history?jid=${ALICE}&limit=1`)).json).toHaveLength(1);
		expect((await get(`/api/history?jid=${ALICE}&limit=`)).json).toHaveLength(4);
		expect((await get(`/api/history?jid=${ALICE}&limit=500`)).status).toBe(200);
	});

	it('works for groups, with participants as sender_jid', async () => {
		const res = await get(`/api/history?jid=${GROUP}`);
		expect(res.status).toBe(200);
		expect(res.json).toHaveLength(3);
		expect(res.json[0]).toMatchObject({
			msg_id: SEED.incomingGroupImageMsgId,
			type: 'image',
			sender_jid: '905451552424@s.whatsapp.net',
			media_path: expect.stringMatching(/\.jpg$/),
		});
	});

	it('returns [] for a valid JID without messages', async () => {
		const res = await get('/api/history?jid=33612345678@s.whatsapp.net');
		expect(res.status).toBe(200);
		expect(res.json).toEqual([]);
	});

	it('rejects a missing or empty jid with 400', async () => {
		for (const query of ['', '?jid=', '?limit=5']) {
			const res = await get(`/api/history${query}`);
			expect(res.status).toBe(400);
			expect(res.json.error).toMatch(/"jid" is required/);
		}
	});

	it('rejects an invalid jid with 400 naming the field and value', async () => {
		const res = await get('/api/history?jid=+15551234567');
		expect(res.status).toBe(400);
		expect(res.json.error).toContain('"jid"');
		expect(res.json.error).toContain(' 15551234567'); // '+' decodes to a space in a query
		const lid = await get('/api/history?jid=265777475281011@lid');
		expect(lid.status).toBe(400);
		expect(lid.json.error).toContain('265777475281011@lid');
	});

	it.each(['0', '501', '-1', '1.5', 'abc', '10x'])('rejects limit=%s with 400', async (limit) => {
		const res = await get(`/api/history?jid=${ALICE}&limit=${limit}`);
		expect(res.status).toBe(400);
		expect(res.json.error).toMatch(/"limit" must be an integer from 1 to 500/);
	});
});

describe('GET /api/messages/recent', () => {
	it('returns the latest messages across chats in the recent shape', async () => {
		const res = await get('/api/messages/recent');
		expect(res.status).toBe(200);
		expect(res.json).toHaveLength(9);
		expect(res.json[0]).toEqual({
			id: 122,
			chat_jid: '15551234567@s.whatsapp.net',
			msg_id: 'BD9043CF84A700B5',
			from_me: 1,
			sender_jid: null,
			type: 'text',
			body: 'Hello from Wappfly',
			timestamp: '2026-05-20 17:19:21',
			status: 'delivery_ack',
		});
		expect(res.json[1]).toMatchObject({ id: 121, msg_id: '3EB06A40C80DF456A1B2', from_me: 0 });
		const ids = res.json.map((m: { id: number }) => m.id);
		expect(ids).toEqual([...ids].sort((a, b) => b - a));
	});

	it('defaults to 20 and caps at 100', async () => {
		for (let i = 0; i < 25; i++) {
			server.state.messages.push({
				id: 1000 + i,
				chat_jid: ALICE,
				msg_id: `FILL${String(i).padStart(12, '0')}`,
				from_me: 0,
				sender_jid: ALICE,
				type: 'text',
				body: `m${i}`,
				media_path: null,
				timestamp: '2026-06-01 10:00:00',
				status: 'received',
			});
		}
		const res = await get('/api/messages/recent');
		expect(res.json).toHaveLength(20);
		expect(res.json[0].id).toBe(1024);
		expect((await get('/api/messages/recent?limit=2')).json).toHaveLength(2);
		expect((await get('/api/messages/recent?limit=100')).json).toHaveLength(34);
		const tooMany = await get('/api/messages/recent?limit=101');
		expect(tooMany.status).toBe(400);
		expect(tooMany.json.error).toMatch(/from 1 to 100/);
	});

	it('shows a sent message first', async () => {
		const sent = await post('/api/messages/send', { to: GROUP, text: 'Hi all' });
		const res = await get('/api/messages/recent?limit=1');
		expect(res.json[0]).toMatchObject({
			id: 123,
			chat_jid: GROUP,
			msg_id: sent.json.msg_id,
			from_me: 1,
			sender_jid: null,
			type: 'text',
			body: 'Hi all',
			status: 'sent',
		});
	});
});

describe('POST /api/messages/send', () => {
	it('queues the message, stores it, bumps the chat and counts the quota', async () => {
		const res = await post('/api/messages/send', { to: ALICE, text: 'Hello from Wappfly' });
		expect(res.status).toBe(200);
		expect(res.json).toEqual({ queued: true, msg_id: expect.stringMatching(/^[0-9A-F]{16}$/) });
		expect(server.state.requestsUsed).toBe(128);
		const stored = server.state.messages[server.state.messages.length - 1];
		expect(stored).toMatchObject({
			id: 123,
			chat_jid: ALICE,
			msg_id: res.json.msg_id,
			from_me: 1,
			type: 'text',
			body: 'Hello from Wappfly',
			status: 'sent',
		});
		const chat = server.state.chats.find((c) => c.jid === ALICE);
		expect(chat?.last_msg_at).toBe(stored.timestamp);
		expect(lastRequest()).toMatchObject({
			method: 'POST',
			path: '/api/messages/send',
			body: { to: ALICE, text: 'Hello from Wappfly' },
			status: 200,
		});
		expect(lastRequest().headers['content-type']).toBe('application/json');
	});

	it('gives every send a different msg_id', async () => {
		const a = await post('/api/messages/send', { to: ALICE, text: 'a' });
		const b = await post('/api/messages/send', { to: ALICE, text: 'b' });
		expect(a.json.msg_id).not.toBe(b.json.msg_id);
	});

	it.each([
		'15551234567@s.whatsapp.net',
		'1234567@s.whatsapp.net',
		'123456789012345@s.whatsapp.net',
		'120363025246125244@g.us',
		'15551234567-1600000000@g.us',
	])('accepts the JID %s', async (to) => {
		const res = await post('/api/messages/send', { to, text: 'x' });
		expect(res.status).toBe(200);
		expect(isValidJid(to)).toBe(true);
	});

	it.each([
		'+15551234567',
		'15551234567',
		'+15551234567@s.whatsapp.net',
		'123456@s.whatsapp.net',
		'1234567890123456@s.whatsapp.net',
		'15551234567:33@s.whatsapp.net',
		'15551234567@c.us',
		'265777475281011@lid',
		'123456789@g.us',
		'15551234567-16000@g.us',
		'abc@g.us',
		' 15551234567@s.whatsapp.net',
		'',
	])('rejects the JID %p with 400 naming field and value', async (to) => {
		const res = await post('/api/messages/send', { to, text: 'x' });
		expect(res.status).toBe(400);
		expect(res.json.error).toContain('Field "to" is not a valid WhatsApp JID');
		expect(res.json.error).toContain(JSON.stringify(to));
		expect(isValidJid(to)).toBe(false);
	});

	it('rejects missing and mistyped fields', async () => {
		const cases: Array<[unknown, RegExp]> = [
			[{ text: 'x' }, /Field "to" is required/],
			[{ to: 15551234567, text: 'x' }, /Field "to" must be a string \(got number\)/],
			[{ to: ALICE }, /Field "text" is required/],
			[{ to: ALICE, text: '' }, /Field "text" must not be empty/],
			[{ to: ALICE, text: 42 }, /Field "text" must be a string \(got number\)/],
			[{ to: ALICE, text: null }, /Field "text" must be a string \(got null\)/],
			[{ to: ALICE, text: ['a'] }, /got array/],
		];
		for (const [body, message] of cases) {
			const res = await post('/api/messages/send', body);
			expect(res.status).toBe(400);
			expect(res.json.error).toMatch(message);
		}
		expect(server.state.messages).toHaveLength(9);
		expect(server.state.requestsUsed).toBe(127);
	});

	it('rejects bodies that are not JSON objects', async () => {
		const cases: Array<[string, RegExp]> = [
			['{"to": "x",', /Malformed JSON/],
			['[1,2]', /must be a JSON object \(got array\)/],
			['null', /must be a JSON object \(got null\)/],
			['"text"', /must be a JSON object \(got string\)/],
			['', /Request body is empty/],
		];
		for (const [rawBody, message] of cases) {
			const res = await call('POST', '/api/messages/send', {
				rawBody,
				headers: { 'Content-Type': 'application/json' },
			});
			expect(res.status).toBe(400);
			expect(res.json.error).toMatch(message);
		}
	});

	it('records a non-JSON body as its text', async () => {
		await call('POST', '/api/messages/send', { rawBody: 'to=x&text=y' });
		expect(lastRequest()).toMatchObject({ body: 'to=x&text=y', rawBodyBytes: 11, status: 400 });
	});

	it('requires Content-Type application/json, charset allowed', async () => {
		const body = { to: ALICE, text: 'x' };
		const plain = await post('/api/messages/send', body, { contentType: 'text/plain' });
		expect(plain.status).toBe(400);
		expect(plain.json.error).toBe('Content-Type must be application/json (got "text/plain").');
		const form = await post('/api/messages/send', body, {
			contentType: 'application/x-www-form-urlencoded',
		});
		expect(form.status).toBe(400);
		const none = await post('/api/messages/send', body, { contentType: null });
		expect(none.status).toBe(400);
		expect(none.json.error).toMatch(/Content-Type must be application\/json/);
		const charset = await post('/api/messages/send', body, {
			contentType: 'Application/JSON; charset=utf-8',
		});
		expect(charset.status).toBe(200);
	});

	it('ignores unknown fields and keeps unicode text intact', async () => {
		const text = 'Merhaba 👋 — çğüşö';
		const res = await post('/api/messages/send', { to: ALICE, text, extra: true });
		expect(res.status).toBe(200);
		expect(server.state.messages[server.state.messages.length - 1].body).toBe(text);
		expect(lastRequest().rawBodyBytes).toBe(
			Buffer.byteLength(JSON.stringify({ to: ALICE, text, extra: true })),
		);
	});
});

describe('media sends', () => {
	const routes = [
		['/api/messages/image', 'image', { caption: 'A pic', mimetype: 'image/png' }, '.png'],
		['/api/messages/video', 'video', { caption: 'A clip', mimetype: 'video/mp4' }, '.mp4'],
		[
			'/api/messages/document',
			'document',
			{ filename: 'invoice.pdf', mimetype: 'application/pdf', caption: 'Invoice' },
			'.pdf',
		],
		['/api/messages/audio', 'audio', { mimetype: 'audio/ogg; codecs=opus' }, '.ogg'],
	] as const;

	it.each(routes)(
		'%s stores a %s message and records the decoded file',
		async (route, type, extra, ext) => {
			const res = await post(route, { to: ALICE, file: PNG_B64, ...extra });
			expect(res.status).toBe(200);
			expect(res.json).toEqual({ queued: true, msg_id: expect.stringMatching(/^[0-9A-F]{16}$/) });
			const request = lastRequest();
			expect(request.file).toEqual({
				bytes: PNG_BYTES.length,
				sha256: createHash('sha256').update(PNG_BYTES).digest('hex'),
			});
			expect(request.body).toEqual({
				to: ALICE,
				file: `<base64:${PNG_B64.length} bytes>`,
				...extra,
			});
			const stored = server.state.messages[server.state.messages.length - 1];
			expect(stored).toMatchObject({
				msg_id: res.json.msg_id,
				type,
				from_me: 1,
				status: 'sent',
				body: 'caption' in extra ? extra.caption : null,
				media_path: `media/8/${res.json.msg_id}${ext}`,
			});
			expect(server.state.requestsUsed).toBe(128);
		},
	);

	it.each(routes.map((r) => [r[0]]))('%s works with only to and file', async (route) => {
		const res = await post(route, { to: GROUP, file: 'AAAA' });
		expect(res.status).toBe(200);
		expect(lastRequest().file).toEqual({
			bytes: 3,
			sha256: createHash('sha256').update(Buffer.alloc(3)).digest('hex'),
		});
	});

	it.each([
		['', /it is empty/],
		['data:image/png;base64,iVBORw0KGgo=', /data: URL prefix/],
		['AAA', /not a multiple of 4/],
		['AAAA\nAAAA', /whitespace/],
		['AAAA AAAA', /whitespace/],
		['AA-_', /URL-safe/],
		['AAA*', /character "\*" at position 3/],
		['A===', /padding/],
		['=AAA', /padding/],
		['AA=A', /padding/],
		['AAAA====', /padding/],
		[
			'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg',
			/multiple of 4/,
		],
	])('rejects file %p as not valid base64', async (file, reason) => {
		const res = await post('/api/messages/image', { to: ALICE, file });
		expect(res.status).toBe(400);
		expect(res.json.error).toMatch(/^file is not valid base64: /);
		expect(res.json.error).toMatch(reason);
		expect(lastRequest().file).toBeUndefined();
		expect(decodeStrictBase64(file).ok).toBe(false);
	});

	it('rejects a missing or non-string file', async () => {
		const missing = await post('/api/messages/document', { to: ALICE, filename: 'a.pdf' });
		expect(missing.status).toBe(400);
		expect(missing.json.error).toBe('Field "file" is required.');
		const numeric = await post('/api/messages/audio', { to: ALICE, file: 1234 });
		expect(numeric.status).toBe(400);
		expect(numeric.json.error).toBe('Field "file" must be a base64 string (got number).');
		const buffer = await post('/api/messages/image', {
			to: ALICE,
			file: { type: 'Buffer', data: [1] },
		});
		expect(buffer.status).toBe(400);
		expect(buffer.json.error).toMatch(/got object/);
	});

	it.each([
		['/api/messages/image', 'caption', 5],
		['/api/messages/image', 'mimetype', null],
		['/api/messages/video', 'caption', false],
		['/api/messages/document', 'filename', ['a.pdf']],
		['/api/messages/document', 'caption', {}],
		['/api/messages/audio', 'mimetype', 1],
	])('%s rejects a non-string optional %s', async (route, field, value) => {
		const res = await post(route, { to: ALICE, file: PNG_B64, [field]: value });
		expect(res.status).toBe(400);
		expect(res.json.error).toContain(`Field "${field}" must be a string when present`);
	});

	it('validates to before file', async () => {
		const res = await post('/api/messages/image', { to: 'nope', file: 'not base64!' });
		expect(res.status).toBe(400);
		expect(res.json.error).toContain('Field "to"');
	});

	it('records the file of a valid upload even when another field is wrong', async () => {
		const res = await post('/api/messages/image', { to: 'nope', file: PNG_B64 });
		expect(res.status).toBe(400);
		expect(lastRequest().file?.bytes).toBe(PNG_BYTES.length);
	});

	it('handles a 50 MB media send and records the right sha256', async () => {
		const bytes = randomBytes(50 * 1024 * 1024);
		const expected = createHash('sha256').update(bytes).digest('hex');
		const base64 = bytes.toString('base64');
		const payload = Buffer.concat([
			Buffer.from(`{"to":"${ALICE}","filename":"big.bin","file":"`),
			Buffer.from(base64, 'latin1'),
			Buffer.from('","mimetype":"application/octet-stream","caption":"Ünïcode ✓"}'),
		]);
		const res = await fetch(`${server.url}/api/messages/document`, {
			method: 'POST',
			headers: { 'X-API-Token': server.token, 'Content-Type': 'application/json' },
			body: payload,
		});
		const json = (await res.json()) as { queued: boolean; msg_id: string };
		expect(res.status).toBe(200);
		expect(json.queued).toBe(true);
		const request = lastRequest();
		expect(request.file).toEqual({ bytes: bytes.length, sha256: expected });
		expect(request.rawBodyBytes).toBe(payload.length);
		expect(request.body).toEqual({
			to: ALICE,
			filename: 'big.bin',
			file: `<base64:${base64.length} bytes>`,
			mimetype: 'application/octet-stream',
			caption: 'Ünïcode ✓',
		});
		expect(server.state.messages[server.state.messages.length - 1]).toMatchObject({
			msg_id: json.msg_id,
			type: 'document',
			body: 'Ünïcode ✓',
		});
	});

	it('gives precise errors for big invalid uploads too', async () => {
		const mime = randomBytes(300_000).toString('base64').replace(/.{76}/g, '$&\r\n');
		const res = await post('/api/messages/image', { to: ALICE, file: mime });
		expect(res.status).toBe(400);
		expect(res.json.error).toMatch(
			/^file is not valid base64: character "\\r" at position 76: it contains whitespace/,
		);
		expect(lastRequest().file).toBeUndefined();
		expect(lastRequest().rawBodyBytes).toBeGreaterThan(400_000);
	});

	it('takes the top-level file of a big body, not a nested or escaped one', async () => {
		const big = randomBytes(100_000);
		const body = {
			to: ALICE,
			caption: 'text with "file":"AAAA" inside',
			meta: { file: 'QUJD' },
			file: big.toString('base64'),
		};
		const res = await post('/api/messages/image', body);
		expect(res.status).toBe(200);
		expect(lastRequest().file).toEqual({
			bytes: big.length,
			sha256: createHash('sha256').update(big).digest('hex'),
		});
		expect(lastRequest().body).toMatchObject({ caption: body.caption, meta: { file: 'QUJD' } });
		const duplicate = `{"to":"${ALICE}","file":"${big.toString('base64')}","file":"QUJD"}`;
		const dup = await call('POST', '/api/messages/image', { rawBody: duplicate });
		expect(dup.status).toBe(200);
		expect(lastRequest().file?.bytes).toBe(3);
	});
});

describe('reply, reaction, edit, delete', () => {
	it('replies to a known message and counts the quota', async () => {
		const res = await post('/api/messages/reply', {
			to: ALICE,
			text: 'Got it!',
			quoted_msg_id: SEED.incomingMsgId,
		});
		expect(res.status).toBe(200);
		expect(res.json.msg_id).toMatch(/^[0-9A-F]{16}$/);
		expect(server.state.requestsUsed).toBe(128);
		expect(server.state.messages[server.state.messages.length - 1]).toMatchObject({
			type: 'text',
			body: 'Got it!',
			from_me: 1,
		});
	});

	it('answers 404 for an unknown quoted or target message', async () => {
		const reply = await post('/api/messages/reply', {
			to: ALICE,
			text: 'x',
			quoted_msg_id: 'FFFFFFFFFFFFFFFF',
		});
		expect(reply.status).toBe(404);
		expect(reply.json.error).toBe(ERRORS.messageNotFound('FFFFFFFFFFFFFFFF', 'quoted_msg_id'));
		expect(reply.json.error).toMatch(/^Message FFFFFFFFFFFFFFFF not found/);
		for (const route of ['reaction', 'edit', 'delete']) {
			const res = await post(`/api/messages/${route}`, {
				to: ALICE,
				text: 'x',
				emoji: '👍',
				target_msg_id: 'NOPE123',
			});
			expect(res.status).toBe(404);
			expect(res.json.error).toContain('Message NOPE123 not found (target_msg_id)');
		}
		expect(server.state.requestsUsed).toBe(127);
	});

	it('validates the reference fields', async () => {
		const missing = await post('/api/messages/reply', { to: ALICE, text: 'x' });
		expect(missing.json.error).toBe('Field "quoted_msg_id" is required.');
		const empty = await post('/api/messages/delete', { to: ALICE, target_msg_id: '' });
		expect(empty.status).toBe(400);
		expect(empty.json.error).toMatch(/"target_msg_id" must not be empty/);
		const numeric = await post('/api/messages/edit', { to: ALICE, text: 'x', target_msg_id: 5 });
		expect(numeric.status).toBe(400);
		expect(numeric.json.error).toMatch(/"target_msg_id" must be a string/);
		const noText = await post('/api/messages/edit', {
			to: ALICE,
			text: '',
			target_msg_id: SEED.outgoingMsgId,
		});
		expect(noText.status).toBe(400);
	});

	it('reacts with an emoji and removes it with an empty string, for free', async () => {
		const add = await post('/api/messages/reaction', {
			to: ALICE,
			emoji: '👍',
			target_msg_id: SEED.incomingMsgId,
		});
		expect(add.status).toBe(200);
		expect(add.json.queued).toBe(true);
		expect(server.state.messages[server.state.messages.length - 1]).toMatchObject({
			type: 'reaction',
			body: '👍',
		});
		const remove = await post('/api/messages/reaction', {
			to: ALICE,
			emoji: '',
			target_msg_id: SEED.incomingMsgId,
		});
		expect(remove.status).toBe(200);
		expect(server.state.requestsUsed).toBe(127);
	});

	it('requires emoji to be a string', async () => {
		const missing = await post('/api/messages/reaction', {
			to: ALICE,
			target_msg_id: SEED.incomingMsgId,
		});
		expect(missing.status).toBe(400);
		expect(missing.json.error).toBe('Field "emoji" is required.');
		const wrong = await post('/api/messages/reaction', {
			to: ALICE,
			emoji: 1,
			target_msg_id: SEED.incomingMsgId,
		});
		expect(wrong.status).toBe(400);
		expect(wrong.json.error).toMatch(/"emoji" must be a string/);
	});

	it('edits an own message in place, for free', async () => {
		const res = await post('/api/messages/edit', {
			to: ALICE,
			text: 'Fixed typo',
			target_msg_id: SEED.outgoingMsgId,
		});
		expect(res.status).toBe(200);
		expect(server.state.messages.find((m) => m.msg_id === SEED.outgoingMsgId)?.body).toBe(
			'Fixed typo',
		);
		expect(server.state.requestsUsed).toBe(127);
	});

	it('refuses to edit or delete a message that is not from_me with 400', async () => {
		const edit = await post('/api/messages/edit', {
			to: ALICE,
			text: 'x',
			target_msg_id: SEED.incomingMsgId,
		});
		expect(edit.status).toBe(400);
		expect(edit.json.error).toBe(
			'Message 3EB06A40C80DF456A1B2 was not sent by this session (from_me is 0): only your own messages can be edited.',
		);
		const del = await post('/api/messages/delete', {
			to: ALICE,
			target_msg_id: SEED.incomingMsgId,
		});
		expect(del.status).toBe(400);
		expect(del.json.error).toMatch(/only your own messages can be deleted/);
	});

	it('deletes an own message for everyone, once', async () => {
		const res = await post('/api/messages/delete', {
			to: ALICE,
			target_msg_id: SEED.outgoingMsgId,
		});
		expect(res.status).toBe(200);
		expect(server.state.messages.find((m) => m.msg_id === SEED.outgoingMsgId)).toMatchObject({
			type: 'revoked',
			body: null,
		});
		const again = await post('/api/messages/delete', {
			to: ALICE,
			target_msg_id: SEED.outgoingMsgId,
		});
		expect(again.status).toBe(400);
		expect(again.json.error).toBe('Message BD9043CF84A700B5 has already been deleted.');
		expect(server.state.requestsUsed).toBe(127);
	});

	it('can target a message sent earlier in the same test', async () => {
		const sent = await post('/api/messages/send', { to: GROUP, text: 'teh' });
		const edit = await post('/api/messages/edit', {
			to: GROUP,
			text: 'the',
			target_msg_id: sent.json.msg_id,
		});
		expect(edit.status).toBe(200);
	});
});

describe('account state: 402 and 403', () => {
	const sends: Array<[string, Record<string, unknown>]> = [
		['/api/messages/send', { to: ALICE, text: 'x' }],
		['/api/messages/image', { to: ALICE, file: PNG_B64 }],
		['/api/messages/video', { to: ALICE, file: PNG_B64 }],
		['/api/messages/document', { to: ALICE, file: PNG_B64 }],
		['/api/messages/audio', { to: ALICE, file: PNG_B64 }],
		['/api/messages/reply', { to: ALICE, text: 'x', quoted_msg_id: SEED.incomingMsgId }],
		['/api/messages/reaction', { to: ALICE, emoji: '👍', target_msg_id: SEED.incomingMsgId }],
		['/api/messages/edit', { to: ALICE, text: 'x', target_msg_id: SEED.outgoingMsgId }],
		['/api/messages/delete', { to: ALICE, target_msg_id: SEED.outgoingMsgId }],
	];

	it.each(sends)(
		'%s answers 403 with the reference text when the email is not verified',
		async (route, body) => {
			server.state.emailVerified = false;
			const res = await post(route, body);
			expect(res.status).toBe(403);
			expect(res.json).toEqual({
				error: 'Email not verified — confirm your email at /verify-pending before sending.',
			});
			expect(server.state.messages).toHaveLength(9);
		},
	);

	it.each(sends)(
		'%s answers 403 when the session is disconnected or banned',
		async (route, body) => {
			server.state.status = 'disconnected';
			const disconnected = await post(route, body);
			expect(disconnected.status).toBe(403);
			expect(disconnected.json.error).toBe(
				'Session "sales" is disconnected — reconnect this WhatsApp line from the dashboard before sending.',
			);
			server.state.status = 'banned';
			const banned = await post(route, body);
			expect(banned.status).toBe(403);
			expect(banned.json.error).toBe(
				'Session "sales" is banned by WhatsApp — this line can no longer send messages.',
			);
		},
	);

	it('keeps reads working when the session is disconnected', async () => {
		server.state.status = 'disconnected';
		server.state.emailVerified = false;
		expect((await get('/api/me')).status).toBe(200);
		expect((await get('/api/chats')).status).toBe(200);
	});

	it('answers 402 on counted sends once the quota is used up', async () => {
		server.state.plan = { code: 'free', name: 'Free' };
		server.state.quota = 50;
		server.state.requestsUsed = 49;
		expect((await post('/api/messages/send', { to: ALICE, text: 'last one' })).status).toBe(200);
		expect(server.state.requestsUsed).toBe(50);
		for (const [route, body] of sends.slice(0, 6)) {
			const res = await post(route, body);
			expect(res.status).toBe(402);
			expect(res.json).toEqual({
				error:
					'Quota exceeded: 50/50 requests used on the Free plan. Upgrade your plan or wait for the period to reset.',
			});
		}
		expect(server.state.requestsUsed).toBe(50);
	});

	it('lets free interactions through when the quota is used up', async () => {
		server.state.requestsUsed = server.state.quota;
		for (const [route, body] of sends.slice(6)) {
			expect((await post(route, body)).status).toBe(200);
		}
	});

	it('validates the body before the account checks, and checks 403 before 402 before 404', async () => {
		server.state.status = 'disconnected';
		server.state.requestsUsed = 99999;
		expect((await post('/api/messages/send', { to: 'bad', text: 'x' })).status).toBe(400);
		expect(
			(await post('/api/messages/reply', { to: ALICE, text: 'x', quoted_msg_id: 'NOPE' })).status,
		).toBe(403);
		server.state.status = 'connected';
		expect(
			(await post('/api/messages/reply', { to: ALICE, text: 'x', quoted_msg_id: 'NOPE' })).status,
		).toBe(402);
		server.state.requestsUsed = 0;
		expect(
			(await post('/api/messages/reply', { to: ALICE, text: 'x', quoted_msg_id: 'NOPE' })).status,
		).toBe(404);
	});
});

describe('body size limit', () => {
	it('answers 413 JSON for a body over maxBodyBytes and stays usable', async () => {
		const small = await startWappflyServer({ maxBodyBytes: 1024 });
		try {
			const file = Buffer.alloc(2000, 7).toString('base64');
			const res = await call('POST', '/api/messages/image', { body: { to: ALICE, file } }, small);
			expect(res.status).toBe(413);
			expect(res.json.error).toMatch(
				/^Request body too large: \d+ bytes received, the limit is 1024 bytes\.$/,
			);
			expect(small.requests[0]).toMatchObject({ status: 413, body: undefined });
			expect(small.requests[0].rawBodyBytes).toBeGreaterThan(1024);
			const unauthorized = await call(
				'POST',
				'/api/messages/image',
				{ body: { to: ALICE, file }, token: null },
				small,
			);
			expect(unauthorized.status).toBe(401);
			const ok = await call(
				'POST',
				'/api/messages/send',
				{ body: { to: ALICE, text: 'fits' } },
				small,
			);
			expect(ok.status).toBe(200);
		} finally {
			await small.close();
		}
	});
});

describe('failNext', () => {
	it('answers an arbitrary status and body, e.g. an HTML 502 page, and records it', async () => {
		server.failNext({ status: 502, body: '<html><body>Bad Gateway</body></html>' });
		const res = await post('/api/messages/send', { to: ALICE, text: 'x' });
		expect(res.status).toBe(502);
		expect(res.text).toBe('<html><body>Bad Gateway</body></html>');
		expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(lastRequest()).toMatchObject({ path: '/api/messages/send', status: 502 });
		expect(server.state.messages).toHaveLength(9);
		const next = await post('/api/messages/send', { to: ALICE, text: 'x' });
		expect(next.status).toBe(200);
	});

	it('uses a JSON error body by default and the given content type', async () => {
		server.failNext({ status: 500 });
		const json = await get('/api/me');
		expect(json.status).toBe(500);
		expect(json.json).toEqual({ error: 'Injected failure: HTTP 500.' });
		server.failNext({ status: 429, body: 'slow down', contentType: 'text/x-custom' });
		const custom = await get('/api/me');
		expect(custom.status).toBe(429);
		expect(custom.text).toBe('slow down');
		expect(custom.headers.get('content-type')).toBe('text/x-custom');
	});

	it('applies before the token check', async () => {
		server.failNext({ status: 503 });
		expect((await get('/api/me', { token: null })).status).toBe(503);
		expect((await get('/api/me', { token: null })).status).toBe(401);
	});

	it('queues several failures in order', async () => {
		server.failNext({ status: 500 });
		server.failNext({ status: 504 });
		expect((await get('/api/me')).status).toBe(500);
		expect((await get('/api/me')).status).toBe(504);
		expect((await get('/api/me')).status).toBe(200);
	});

	it('destroys the socket with reset: true', async () => {
		server.failNext({ reset: true });
		await expect(post('/api/messages/send', { to: ALICE, text: 'x' })).rejects.toThrow();
		expect(lastRequest()).toMatchObject({ path: '/api/messages/send', status: 0 });
		expect(server.state.messages).toHaveLength(9);
		expect((await get('/api/me')).status).toBe(200);
	});

	it('delays the answer with delayMs, then handles the request normally', async () => {
		server.failNext({ delayMs: 300 });
		const started = Date.now();
		const res = await post('/api/messages/send', { to: ALICE, text: 'slow' });
		// A lower bound on the deliberate delay, never an upper bound on the machine's speed.
		const answeredAfter = Date.now() - started;
		expect(answeredAfter).toBeGreaterThanOrEqual(290);
		expect(res.status).toBe(200);
		expect(res.json.queued).toBe(true);
	});

	it('lets a client time out during the delay', async () => {
		server.failNext({ delayMs: 600 });
		await expect(get('/api/me', { signal: AbortSignal.timeout(100) })).rejects.toThrow();
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0].status).toBe(0);
		await sleep(700);
		expect(server.requests[0].status).toBe(200);
		expect((await get('/api/status')).status).toBe(200);
	});

	it('is cleared by reset()', async () => {
		server.failNext({ status: 500 });
		server.reset();
		expect((await get('/api/me')).status).toBe(200);
	});

	it('is not consumed by added files or the sandbox', async () => {
		const url = server.addFile('/files/a.txt', { body: Buffer.from('a') });
		server.failNext({ status: 500 });
		expect((await fetch(url)).status).toBe(200);
		expect((await fetch(`${server.url}/sandbox`)).status).toBe(200);
		expect((await get('/api/me')).status).toBe(500);
	});
});

describe('addFile', () => {
	it('serves bytes with content type and attachment filename, recorded in fileRequests', async () => {
		const body = randomBytes(4096);
		const url = server.addFile('/media/report.pdf', {
			body,
			contentType: 'application/pdf',
			fileName: 'report.pdf',
		});
		expect(url).toBe(`${server.url}/media/report.pdf`);
		const res = await fetch(url);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/pdf');
		expect(res.headers.get('content-disposition')).toBe('attachment; filename="report.pdf"');
		expect(res.headers.get('content-length')).toBe('4096');
		expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
		expect(server.fileRequests).toHaveLength(1);
		expect(server.fileRequests[0]).toMatchObject({
			method: 'GET',
			path: '/media/report.pdf',
			status: 200,
		});
		expect(server.requests).toHaveLength(0);
	});

	it('defaults to application/octet-stream without Content-Disposition and ignores the query', async () => {
		const url = server.addFile('/blob', { body: Buffer.from('xyz') });
		const res = await fetch(`${url}?v=2`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/octet-stream');
		expect(res.headers.get('content-disposition')).toBeNull();
		expect(await res.text()).toBe('xyz');
		expect(server.fileRequests[0].query).toEqual({ v: '2' });
	});

	it('encodes a non-ASCII file name safely', async () => {
		const url = server.addFile('/f', {
			body: Buffer.from('x'),
			fileName: 'Fatura şubat "2026".pdf',
		});
		const res = await fetch(url);
		const disposition = res.headers.get('content-disposition');
		expect(disposition).toBe(
			`attachment; filename="Fatura _ubat _2026_.pdf"; filename*=UTF-8''Fatura%20%C5%9Fubat%20%222026%22.pdf`,
		);
	});

	it('requires the token when asked to', async () => {
		const url = server.addFile('/private/photo.jpg', {
			body: PNG_BYTES,
			contentType: 'image/jpeg',
			requireToken: true,
		});
		const denied = await fetch(url);
		expect(denied.status).toBe(401);
		expect(await denied.json()).toEqual({ error: ERRORS.unauthorized });
		const wrong = await fetch(url, { headers: { 'X-API-Token': 'nope' } });
		expect(wrong.status).toBe(401);
		const allowed = await fetch(url, { headers: { 'X-API-Token': server.token } });
		expect(allowed.status).toBe(200);
		expect(Buffer.from(await allowed.arrayBuffer()).equals(PNG_BYTES)).toBe(true);
		expect(server.fileRequests.map((r) => r.status)).toEqual([401, 401, 200]);
		expect(server.fileRequests[2].headers['x-api-token']).toBe(server.token);
	});

	it('serves the body with a custom status and answers HEAD without a body', async () => {
		const url = server.addFile('/gone', {
			body: Buffer.from('{"error":"gone"}'),
			contentType: 'application/json',
			status: 410,
		});
		const res = await fetch(url);
		expect(res.status).toBe(410);
		expect(await res.json()).toEqual({ error: 'gone' });
		const head = await fetch(url, { method: 'HEAD' });
		expect(head.status).toBe(410);
		expect(await head.text()).toBe('');
		const del = await fetch(url, { method: 'DELETE' });
		expect(del.status).toBe(405);
	});

	it('rejects a path without a leading slash and keeps files across reset()', async () => {
		expect(() => server.addFile('media/x', { body: Buffer.from('x') })).toThrow(
			/must start with "\/"/,
		);
		const url = server.addFile('/kept', { body: Buffer.from('kept') });
		server.reset();
		expect(await (await fetch(url)).text()).toBe('kept');
	});
});

describe('inbound envelopes and the sandbox', () => {
	let hook: import('node:http').Server;
	let hookUrl: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- webhook bodies are read field by field
	let received: Array<{ url: string; headers: import('node:http').IncomingHttpHeaders; body: any }>;
	let hookStatus = 200;

	beforeAll(async () => {
		hook = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				received.push({
					url: req.url ?? '',
					headers: req.headers,
					body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
				});
				res.writeHead(hookStatus, { 'content-type': 'application/json' });
				res.end('{"ok":true}');
			});
		});
		await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
		const address = hook.address() as import('node:net').AddressInfo;
		hookUrl = `http://127.0.0.1:${address.port}/webhook/abc/webhook`;
	});

	afterAll(async () => {
		hook.closeAllConnections();
		await new Promise((resolve) => hook.close(resolve));
	});

	beforeEach(() => {
		received = [];
		hookStatus = 200;
	});

	it('builds an envelope exactly like the reference example', () => {
		const before = Math.floor(Date.now() / 1000);
		const envelope = server.inboundEnvelope({
			from: '15551234567',
			text: 'merhaba',
			pushName: 'Alice',
		});
		expect(envelope).toEqual({
			event: 'messages.received',
			timestamp: expect.any(Number),
			session: { id: 8 },
			data: {
				messages: {
					key: {
						id: expect.stringMatching(/^[0-9A-F]{20}$/),
						fromMe: false,
						remoteJid: '15551234567@s.whatsapp.net',
						addressingMode: 'pn',
						senderPn: '15551234567@s.whatsapp.net',
						cleanedSenderPn: '15551234567',
						senderLid: null,
					},
					messageBody: 'merhaba',
					message: { conversation: 'merhaba' },
					messageTimestamp: expect.any(Number),
					pushName: 'Alice',
				},
			},
		});
		expect(envelope.timestamp).toBeGreaterThanOrEqual(before);
		expect(envelope.data.messages.messageTimestamp).toBeLessThanOrEqual(
			Math.floor(Date.now() / 1000),
		);
		expect(Object.keys(envelope.data.messages.key)).toEqual([
			'id',
			'fromMe',
			'remoteJid',
			'addressingMode',
			'senderPn',
			'cleanedSenderPn',
			'senderLid',
		]);
		expect(server.state.messages).toHaveLength(9);
	});

	it('builds group and media envelopes and honours overrides', () => {
		server.state.sessionId = 42;
		const imageMessage = { imageMessage: { mimetype: 'image/jpeg', caption: null } };
		const envelope = server.inboundEnvelope({
			from: '+44 7700 900123',
			group: GROUP,
			id: '3EB0FFFFFFFFFFFFFFFF',
			message: imageMessage,
			messageBody: null,
		});
		expect(envelope.session).toEqual({ id: 42 });
		expect(envelope.data.messages.key).toMatchObject({
			id: '3EB0FFFFFFFFFFFFFFFF',
			remoteJid: GROUP,
			participant: '447700900123@s.whatsapp.net',
			senderPn: '447700900123@s.whatsapp.net',
			cleanedSenderPn: '447700900123',
		});
		expect(envelope.data.messages.messageBody).toBeNull();
		expect(envelope.data.messages.message).toBe(imageMessage);
		expect(server.inboundEnvelope({ sessionId: 9 }).session).toEqual({ id: 9 });
	});

	it('sendInbound POSTs the envelope as JSON, with an optional query', async () => {
		const envelope = server.inboundEnvelope({ text: 'hi' });
		const result = await server.sendInbound(hookUrl, envelope, '?secret=s3');
		expect(result).toEqual({ status: 200, body: '{"ok":true}' });
		expect(received).toHaveLength(1);
		expect(received[0].url).toBe('/webhook/abc/webhook?secret=s3');
		expect(received[0].headers['content-type']).toBe('application/json');
		expect(received[0].body).toEqual(envelope);
		hookStatus = 500;
		expect((await server.sendInbound(`${hookUrl}?a=1`, envelope, 'b=2')).status).toBe(500);
		expect(received[1].url).toBe('/webhook/abc/webhook?a=1&b=2');
	});

	it('sendInbound rejects when the webhook is unreachable', async () => {
		const closed = net.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as import('node:net').AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		await expect(server.sendInbound(`http://127.0.0.1:${port}/x`, {})).rejects.toThrow();
	});

	it('GET /sandbox answers a plain-text help page', async () => {
		const res = await fetch(`${server.url}/sandbox`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		const text = await res.text();
		expect(text).toContain('POST /sandbox/webhook');
		expect(text).toContain('POST /sandbox/inbound');
		expect(text).toContain(`${server.url}/sandbox/inbound`);
	});

	it('delivers a simulated inbound message to the webhook set with /sandbox/webhook', async () => {
		const set = await call('POST', '/sandbox/webhook', { body: { url: hookUrl }, token: null });
		expect(set.status).toBe(200);
		expect(set.json).toEqual({ ok: true, webhookUrl: hookUrl });
		expect(server.state.webhookUrl).toBe(hookUrl);

		const res = await call('POST', '/sandbox/inbound', {
			body: { from: '33612345678', text: 'Bonjour', pushName: 'Chloé' },
			token: null,
		});
		expect(res.status).toBe(200);
		expect(res.json.delivered).toBe(200);
		expect(received).toHaveLength(1);
		expect(received[0].body).toEqual(res.json.envelope);
		expect(res.json.envelope.data.messages).toMatchObject({
			key: {
				remoteJid: '33612345678@s.whatsapp.net',
				cleanedSenderPn: '33612345678',
				fromMe: false,
			},
			messageBody: 'Bonjour',
			message: { conversation: 'Bonjour' },
			pushName: 'Chloé',
		});

		const id = res.json.envelope.data.messages.key.id;
		expect(server.state.messages[server.state.messages.length - 1]).toMatchObject({
			msg_id: id,
			chat_jid: '33612345678@s.whatsapp.net',
			from_me: 0,
			sender_jid: '33612345678@s.whatsapp.net',
			type: 'text',
			body: 'Bonjour',
			status: 'received',
		});
		expect(server.state.chats.find((c) => c.jid === '33612345678@s.whatsapp.net')).toMatchObject({
			name: 'Chloé',
			unread: 1,
		});
		expect(server.state.requestsUsed).toBe(128);
		expect(server.requests).toHaveLength(0);

		// The stored inbound message can be replied to through the API.
		const reply = await post('/api/messages/reply', {
			to: '33612345678@s.whatsapp.net',
			text: 'Salut',
			quoted_msg_id: id,
		});
		expect(reply.status).toBe(200);
	});

	it('accepts an empty inbound body with defaults, and group messages', async () => {
		server.state.webhookUrl = hookUrl;
		const plain = await call('POST', '/sandbox/inbound', {
			token: null,
			rawBody: '',
			contentType: null,
		});
		expect(plain.status).toBe(200);
		expect(received[0].body.data.messages.key.remoteJid).toBe(ALICE);
		const group = await call('POST', '/sandbox/inbound', {
			token: null,
			body: { group: GROUP, text: 'hey' },
		});
		expect(group.status).toBe(200);
		expect(received[1].body.data.messages.key).toMatchObject({
			remoteJid: GROUP,
			participant: ALICE,
		});
		expect(server.state.chats.find((c) => c.jid === GROUP)?.unread).toBe(3);
	});

	it('reports the webhook status and network failures', async () => {
		server.state.webhookUrl = hookUrl;
		hookStatus = 404;
		const notFound = await call('POST', '/sandbox/inbound', { token: null, body: {} });
		expect(notFound.status).toBe(200);
		expect(notFound.json.delivered).toBe(404);

		const closed = net.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as import('node:net').AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		server.state.webhookUrl = `http://127.0.0.1:${port}/hook`;
		const failed = await call('POST', '/sandbox/inbound', { token: null, body: {} });
		expect(failed.status).toBe(502);
		expect(failed.json.delivered).toBe(0);
		expect(failed.json.error).toContain(`http://127.0.0.1:${port}/hook`);
	});

	it('validates sandbox input', async () => {
		const none = await call('POST', '/sandbox/inbound', { token: null, body: {} });
		expect(none.status).toBe(409);
		expect(none.json.error).toMatch(/No webhook URL set/);
		const badUrl = await call('POST', '/sandbox/webhook', {
			token: null,
			body: { url: 'ftp://x' },
		});
		expect(badUrl.status).toBe(400);
		expect(badUrl.json.error).toMatch(/"url" must be an http\(s\) URL/);
		server.state.webhookUrl = hookUrl;
		const badFrom = await call('POST', '/sandbox/inbound', { token: null, body: { from: '12' } });
		expect(badFrom.status).toBe(400);
		const badText = await call('POST', '/sandbox/inbound', { token: null, body: { text: 5 } });
		expect(badText.status).toBe(400);
		const badJson = await call('POST', '/sandbox/inbound', { token: null, rawBody: '{' });
		expect(badJson.status).toBe(400);
		expect((await call('GET', '/sandbox/inbound', { token: null })).status).toBe(405);
		expect((await call('GET', '/sandbox/nope', { token: null })).status).toBe(404);
		expect(received).toHaveLength(0);
	});

	it('takes the initial webhook URL from the options and keeps it across reset()', async () => {
		const other = await startWappflyServer({ webhookUrl: hookUrl });
		try {
			other.state.webhookUrl = 'http://127.0.0.1:1/changed';
			other.reset();
			expect(other.state.webhookUrl).toBe(hookUrl);
			const res = await call(
				'POST',
				'/sandbox/inbound',
				{ token: null, body: { text: 'x' } },
				other,
			);
			expect(res.json.delivered).toBe(200);
		} finally {
			await other.close();
		}
	});
});

describe('control routes', () => {
	it('exposes requests, state, reset and fail-next over HTTP', async () => {
		await get('/api/me');
		const requests = (await call('GET', '/__control/requests', { token: null })).json;
		expect(requests.requests).toHaveLength(1);
		expect(requests.requests[0]).toMatchObject({ path: '/api/me', status: 200 });

		const patched = await call('POST', '/__control/state', {
			token: null,
			body: { emailVerified: false, bogus: 1 },
		});
		expect(patched.json.emailVerified).toBe(false);
		expect(patched.json.bogus).toBeUndefined();
		expect(server.state.emailVerified).toBe(false);

		await call('POST', '/__control/fail-next', { token: null, body: { status: 418 } });
		expect((await get('/api/me')).status).toBe(418);

		await call('POST', '/__control/reset', { token: null, rawBody: '' });
		expect(server.state.emailVerified).toBe(true);
		expect(server.requests).toHaveLength(0);
		const state = (await call('GET', '/__control/state', { token: null })).json;
		expect(state.messages).toHaveLength(9);
	});
});

describe('receiveMessage() and POST /__control/inbound', () => {
	it('stores an inbound message with the next id, served by /api/messages/recent', async () => {
		const used = server.state.requestsUsed;
		const stored = server.receiveMessage({ from: '+44 7700 900123', text: 'Invoice?' });
		expect(stored).toMatchObject({
			id: 123,
			chat_jid: '447700900123@s.whatsapp.net',
			from_me: 0,
			sender_jid: '447700900123@s.whatsapp.net',
			type: 'text',
			body: 'Invoice?',
			media_path: null,
			status: 'received',
		});
		expect(stored.msg_id).toMatch(/^[0-9A-F]{16}$/);
		expect(stored.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		expect(server.state.requestsUsed).toBe(used + 1);
		expect(server.state.chats.find((c) => c.jid === stored.chat_jid)?.unread).toBe(2);

		const group = server.receiveMessage({ group: GROUP, text: null, type: 'image' });
		expect(group).toMatchObject({ id: 124, chat_jid: GROUP, body: null, type: 'image' });

		const recent = await get('/api/messages/recent?limit=3');
		expect(recent.json.map((m: { id: number }) => m.id)).toEqual([124, 123, 122]);
		expect(recent.json[1]).toEqual({
			id: 123,
			chat_jid: stored.chat_jid,
			msg_id: stored.msg_id,
			from_me: 0,
			sender_jid: stored.sender_jid,
			type: 'text',
			body: 'Invoice?',
			timestamp: stored.timestamp,
			status: 'received',
		});
	});

	it('refuses parameters the sandbox would refuse', () => {
		expect(() => server.receiveMessage({ from: '12' })).toThrow(
			'receiveMessage: "from" must be a phone number with 7 to 15 digits (got "12")',
		);
		expect(() => server.receiveMessage({ group: ALICE })).toThrow('"group" is not a valid');
		expect(server.state.messages).toHaveLength(9);
	});

	it('is reachable over HTTP for a server in another process, one row or many', async () => {
		const one = await call('POST', '/__control/inbound', { token: null, body: { text: 'hi' } });
		expect(one.status).toBe(200);
		expect(one.json).toMatchObject({ id: 123, body: 'hi', from_me: 0 });
		const many = await call('POST', '/__control/inbound', {
			token: null,
			body: [{ text: 'a' }, { text: 'b', at: '2026-05-21T08:00:00Z' }],
		});
		expect(many.json.map((m: { id: number; timestamp: string }) => [m.id, m.timestamp])).toEqual([
			[124, expect.any(String)],
			[125, '2026-05-21 08:00:00'],
		]);
		const bad = await call('POST', '/__control/inbound', { token: null, body: [{ from: 'x' }] });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toContain('"from" must be a phone number');
		expect(server.requests).toHaveLength(0);
	});
});

describe('reset()', () => {
	it('restores the seed and state in place and clears the records', async () => {
		const state = server.state;
		await post('/api/messages/send', { to: '4930123456789@s.whatsapp.net', text: 'x' });
		server.state.status = 'banned';
		server.state.webhookUrl = 'http://127.0.0.1:1/x';
		server.addFile('/r', { body: Buffer.from('r') });
		await fetch(`${server.url}/r`);
		server.reset();
		expect(server.state).toBe(state);
		expect(server.state.status).toBe('connected');
		expect(server.state.webhookUrl).toBeUndefined();
		expect(server.state.chats).toHaveLength(4);
		expect(server.state.messages.map((m) => m.msg_id)).toContain(SEED.outgoingMsgId);
		expect(server.state.messages).toHaveLength(9);
		expect(server.state.requestsUsed).toBe(127);
		expect(server.requests).toHaveLength(0);
		expect(server.fileRequests).toHaveLength(0);
	});

	it('seeds the documented ids', () => {
		const byId = new Map(server.state.messages.map((m) => [m.msg_id, m]));
		expect(byId.get('BD9043CF84A700B5')).toMatchObject({ from_me: 1, chat_jid: ALICE, id: 122 });
		expect(byId.get('3EB06A40C80DF456A1B2')).toMatchObject({
			from_me: 0,
			chat_jid: ALICE,
			id: 121,
		});
		expect(server.state.chats.filter((c) => c.is_group === 1).map((c) => c.jid)).toEqual([
			'120363025246125244@g.us',
		]);
	});
});

describe('robustness', () => {
	it('answers garbage bytes with 400 and keeps serving', async () => {
		const reply = await rawExchange(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]));
		expect(reply).toMatch(/^HTTP\/1\.1 400 /);
		expect((await get('/api/me')).status).toBe(200);
	});

	it('answers oversized headers with 431 and keeps serving', async () => {
		const reply = await rawExchange(
			`GET /api/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`,
		);
		expect(reply).toMatch(/^HTTP\/1\.1 431 /);
		expect((await get('/api/me')).status).toBe(200);
	});

	it('survives an aborted upload, which is not recorded', async () => {
		await rawExchange(
			`POST /api/messages/image HTTP/1.1\r\nHost: x\r\nX-API-Token: ${server.token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"to":"`,
			{ destroyAfterWrite: true },
		);
		await sleep(50);
		expect((await get('/api/me')).status).toBe(200);
		expect(server.requests.map((r) => r.path)).toEqual(['/api/me']);
	});

	it('answers a raw HTTP/1.1 request with chunked body', async () => {
		const body = JSON.stringify({ to: ALICE, text: 'chunked' });
		const reply = await rawExchange(
			`POST /api/messages/send HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-API-Token: ${server.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
		);
		expect(reply).toMatch(/^HTTP\/1\.1 200 /);
		expect(reply).toContain('"queued":true');
	});

	it('handles invalid UTF-8 and deep JSON without crashing', async () => {
		const bad = await fetch(`${server.url}/api/messages/send`, {
			method: 'POST',
			headers: { 'X-API-Token': server.token, 'Content-Type': 'application/json' },
			body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
		});
		expect(bad.status).toBe(400);
		const deep = await call('POST', '/api/messages/send', {
			rawBody: `${'['.repeat(100000)}${']'.repeat(100000)}`,
		});
		expect(deep.status).toBe(400);
		expect((await get('/api/me')).status).toBe(200);
	});
});

describe('CLI', () => {
	it('starts a seeded server, prints URL, token and the curl example, and stops on SIGTERM', async () => {
		const child = spawnNodeScript(
			'test/server/wappfly-server.js',
			['--port', '0', '--token', 'cli-token', '--webhook', 'http://127.0.0.1:9/hook'],
			{ stdio: ['ignore', 'pipe', 'pipe'] },
		);
		try {
			let output = '';
			const url = await new Promise<string>((resolve, reject) => {
				const timer = startTimer(() => reject(new Error(`no URL printed: ${output}`)), 10_000);
				child.stdout.on('data', (chunk: Buffer) => {
					output += chunk.toString('utf8');
					const match = /URL\s*:\s*(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
					if (match && output.includes('Ctrl+C')) {
						stopTimer(timer);
						resolve(match[1]);
					}
				});
				child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)));
			});
			expect(output).toContain('cli-token');
			expect(output).toContain('http://127.0.0.1:9/hook');
			expect(output).toContain(`curl -X POST ${url}/sandbox/inbound`);
			const me = await fetch(`${url}/api/me`, { headers: { 'X-API-Token': 'cli-token' } });
			expect(me.status).toBe(200);
			const chats = await fetch(`${url}/api/chats`, { headers: { 'X-API-Token': 'cli-token' } });
			expect(await chats.json()).toHaveLength(4);
			const exited = new Promise<number | null>((resolve) =>
				child.on('exit', (code) => resolve(code)),
			);
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	});

	it('rejects unknown arguments with exit code 2', async () => {
		const child = spawnNodeScript('test/server/wappfly-server.js', ['--bogus'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
		const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
		expect(code).toBe(2);
		expect(stderr).toContain('Unknown argument: --bogus');
	});
});
