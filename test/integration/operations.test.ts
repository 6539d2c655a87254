import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { byId, fromList, run, useWappflyServer } from '../harness/fixtures';

const { server, credentials } = useWappflyServer();

const ALICE = '15551234567@s.whatsapp.net';
const GROUP = '120363025246125244@g.us';
const SENT_BY_US = 'BD9043CF84A700B5';
const RECEIVED = '3EB06A40C80DF456A1B2';

interface Case {
	name: string;
	parameters: INodeParameters;
	method: string;
	path: string;
	query?: Record<string, string>;
	body?: IDataObject;
}

const sends: Case[] = [
	{
		name: 'message sendText to a formatted number',
		parameters: {
			resource: 'message',
			operation: 'sendText',
			to: byId('+1 (555) 123-4567'),
			text: 'Hello from n8n',
		},
		method: 'POST',
		path: '/api/messages/send',
		body: { to: ALICE, text: 'Hello from n8n' },
	},
	{
		name: 'message sendText to a group picked from the list',
		parameters: {
			resource: 'message',
			operation: 'sendText',
			to: fromList(GROUP),
			text: 'Team update',
		},
		method: 'POST',
		path: '/api/messages/send',
		body: { to: GROUP, text: 'Team update' },
	},
	{
		name: 'message reply',
		parameters: {
			resource: 'message',
			operation: 'reply',
			to: byId(ALICE),
			messageId: RECEIVED,
			text: 'Got it!',
		},
		method: 'POST',
		path: '/api/messages/reply',
		body: { to: ALICE, text: 'Got it!', quoted_msg_id: RECEIVED },
	},
	{
		name: 'message react',
		parameters: {
			resource: 'message',
			operation: 'react',
			to: byId('0015551234567'),
			messageId: RECEIVED,
			emoji: '👍',
		},
		method: 'POST',
		path: '/api/messages/reaction',
		body: { to: ALICE, emoji: '👍', target_msg_id: RECEIVED },
	},
	{
		name: 'message react with an empty emoji removes the reaction',
		parameters: {
			resource: 'message',
			operation: 'react',
			to: byId(ALICE),
			messageId: RECEIVED,
			emoji: '',
		},
		method: 'POST',
		path: '/api/messages/reaction',
		body: { to: ALICE, emoji: '', target_msg_id: RECEIVED },
	},
	{
		name: 'message edit',
		parameters: {
			resource: 'message',
			operation: 'edit',
			to: byId(ALICE),
			messageId: SENT_BY_US,
			text: 'Fixed typo',
		},
		method: 'POST',
		path: '/api/messages/edit',
		body: { to: ALICE, text: 'Fixed typo', target_msg_id: SENT_BY_US },
	},
	{
		name: 'message delete',
		parameters: {
			resource: 'message',
			operation: 'delete',
			to: byId('15551234567:33@s.whatsapp.net'),
			messageId: SENT_BY_US,
		},
		method: 'POST',
		path: '/api/messages/delete',
		body: { to: ALICE, target_msg_id: SENT_BY_US },
	},
];

describe('every send answers with the API response as one item', () => {
	test.each(sends)('$name', async ({ parameters, method, path, body }) => {
		const result = await run(credentials(), parameters);
		expect(result.error).toBeUndefined();
		expect(server().requests).toHaveLength(1);
		const [request] = server().requests;
		expect(request.method).toBe(method);
		expect(request.path).toBe(path);
		expect(request.body).toEqual(body);
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(request.headers['x-api-token']).toBe(server().token);
		expect(result.items).toEqual([
			{
				json: { queued: true, msg_id: expect.stringMatching(/^[0-9A-F]{16}$/) },
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('reads', () => {
	test('message getRecent sends the limit and returns one item per message', async () => {
		const result = await run(credentials(), {
			resource: 'message',
			operation: 'getRecent',
			limit: 3,
		});
		expect(server().requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/api/messages/recent', { limit: '3' }],
		]);
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json).toEqual(
			expect.objectContaining({
				id: expect.any(Number),
				chat_jid: expect.any(String),
				msg_id: expect.any(String),
			}),
		);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 0 },
		]);
	});

	test('message getRecent defaults to 20', async () => {
		await run(credentials(), { resource: 'message', operation: 'getRecent' });
		expect(server().requests[0].query).toEqual({ limit: '20' });
	});

	test('chat getAll returns every chat with Return All', async () => {
		const result = await run(credentials(), {
			resource: 'chat',
			operation: 'getAll',
			returnAll: true,
		});
		expect(server().requests.map((r) => [r.method, r.path])).toEqual([['GET', '/api/chats']]);
		expect(result.items).toHaveLength(server().state.chats.length);
		expect(result.items[0].json).toEqual(
			expect.objectContaining({
				jid: expect.any(String),
				name: expect.any(String),
				is_group: expect.any(Number),
			}),
		);
	});

	test('chat getAll applies the limit', async () => {
		const result = await run(credentials(), {
			resource: 'chat',
			operation: 'getAll',
			returnAll: false,
			limit: 2,
		});
		expect(result.items).toHaveLength(2);
	});

	test('chat getHistory sends jid and limit', async () => {
		const result = await run(credentials(), {
			resource: 'chat',
			operation: 'getHistory',
			chat: byId('+15551234567'),
			limit: 5,
		});
		expect(server().requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/api/history', { jid: ALICE, limit: '5' }],
		]);
		expect(result.items.length).toBeGreaterThan(0);
		expect(result.items.length).toBeLessThanOrEqual(5);
		for (const item of result.items) {
			expect(item.json).toEqual(
				expect.objectContaining({ msg_id: expect.any(String), from_me: expect.any(Number) }),
			);
		}
	});

	test('chat getHistory defaults to 50', async () => {
		await run(credentials(), { resource: 'chat', operation: 'getHistory', chat: fromList(GROUP) });
		expect(server().requests[0].query).toEqual({ jid: GROUP, limit: '50' });
	});

	test('session getMe returns the session and quota', async () => {
		const result = await run(credentials(), { resource: 'session', operation: 'getMe' });
		expect(server().requests.map((r) => [r.method, r.path])).toEqual([['GET', '/api/me']]);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual(
			expect.objectContaining({
				session: expect.objectContaining({ id: 8, name: 'sales', status: 'connected' }),
				user: expect.objectContaining({ quota: 5000, requests_used: 127, requests_left: 4873 }),
			}),
		);
	});

	test('session getStatus returns the connection status', async () => {
		const result = await run(credentials(), { resource: 'session', operation: 'getStatus' });
		expect(server().requests.map((r) => [r.method, r.path])).toEqual([['GET', '/api/status']]);
		expect(result.items[0].json).toEqual(expect.objectContaining({ id: 8, status: 'connected' }));
	});
});

test('a batch sends one request per item, in order, each item paired with its input', async () => {
	const items = ['+15551111111', '+15552222222', '+15553333333'].map((phone, index) => ({
		json: { phone, text: `hello ${index}` },
	}));
	const result = await run(
		credentials(),
		{
			resource: 'message',
			operation: 'sendText',
			to: byId('={{ $json.phone }}'),
			text: '={{ $json.text }}',
		},
		{ items },
	);
	expect(server().requests.map((r) => r.body)).toEqual([
		{ to: '15551111111@s.whatsapp.net', text: 'hello 0' },
		{ to: '15552222222@s.whatsapp.net', text: 'hello 1' },
		{ to: '15553333333@s.whatsapp.net', text: 'hello 2' },
	]);
	expect(result.items.map((item) => item.pairedItem)).toEqual([
		{ item: 0 },
		{ item: 1 },
		{ item: 2 },
	]);
});

test('the base URL may carry a trailing slash or /api', async () => {
	const result = await run(
		{ ...credentials(), baseUrl: `${server().url}/api/` },
		{ resource: 'session', operation: 'getStatus' },
	);
	expect(result.error).toBeUndefined();
	expect(server().requests.map((r) => r.path)).toEqual(['/api/status']);
});
