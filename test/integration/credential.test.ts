import { run, useWappflyServer } from '../harness/fixtures';
import { searchChats, testCredential } from '../harness/n8n';

const { server, credentials } = useWappflyServer();

describe('Test credential', () => {
	test('calls GET /api/me with the token and succeeds', async () => {
		const answer = await testCredential(credentials());
		expect(answer.status).toBe(200);
		expect(server().requests.map((r) => [r.method, r.path, r.headers['x-api-token']])).toEqual([
			['GET', '/api/me', server().token],
		]);
	});

	test.each(['/', '/api', '/api/'])('accepts a base URL ending in "%s"', async (suffix) => {
		const answer = await testCredential({ ...credentials(), baseUrl: server().url + suffix });
		expect(answer.status).toBe(200);
		expect(server().requests[0].path).toBe('/api/me');
	});

	test('tells a wrong token apart: 401', async () => {
		const answer = await testCredential({ ...credentials(), apiToken: 'not-the-token' });
		expect(answer.status).toBe(401);
		expect(answer.body).toEqual({ error: 'Missing or invalid X-API-Token header.' });
	});
});

describe('chat list search', () => {
	test('lists every chat with its name and number, groups marked', async () => {
		const { results } = await searchChats(credentials());
		expect(results).toEqual(
			expect.arrayContaining([
				{ name: 'Alice (+15551234567)', value: '15551234567@s.whatsapp.net' },
				{ name: 'Wappfly Team (group)', value: '120363025246125244@g.us' },
			]),
		);
		expect(results).toHaveLength(server().state.chats.length);
	});

	test.each([
		['ali', ['15551234567@s.whatsapp.net']],
		['+44770', ['447700900123@s.whatsapp.net']],
		['group', ['120363025246125244@g.us']],
		['nobody', []],
	])('filters by "%s"', async (filter, values) => {
		const { results } = await searchChats(credentials(), filter);
		expect(results.map((r) => r.value)).toEqual(values);
	});

	test('a wrong token gives the API error, not an empty list', async () => {
		await expect(searchChats({ ...credentials(), apiToken: 'nope' })).rejects.toMatchObject({
			name: 'NodeApiError',
			message: 'Missing or invalid X-API-Token header.',
		});
	});
});

test('the token is sent as X-API-Token on every operation, never in the URL', async () => {
	await run(credentials(), { resource: 'message', operation: 'getRecent', limit: 1 });
	const [request] = server().requests;
	expect(request.headers['x-api-token']).toBe(server().token);
	expect(JSON.stringify(request.query)).not.toContain(server().token);
});
