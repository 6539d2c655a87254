import { randomBytes } from 'node:crypto';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { STATIC_DATA_KEY } from '../harness/webhook';
import { meCalls, useTrigger } from './helpers';

const { server, credentials, start } = useTrigger();

async function activationError(
	trigger: Awaited<ReturnType<typeof start>>,
): Promise<NodeApiError | NodeOperationError> {
	try {
		await trigger.activate();
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('the activation did not fail');
}

test("activation reads GET /api/me once, with the credential's token, and stores the session", async () => {
	const trigger = await start({}, { activate: false });
	expect(await trigger.activate()).toEqual({ existed: false });
	expect(meCalls(server())).toBe(1);
	const [request] = server().requests;
	expect(request).toMatchObject({ method: 'GET', path: '/api/me', status: 200 });
	expect(request.headers['x-api-token']).toBe(server().token);
	// With the time of the read, which limits later reads to one a minute (session.test.ts).
	const stored = { sessionId: '8', sessionCheckedAt: expect.any(Number) as number };
	expect(trigger.nodeStaticData).toEqual(stored);
	// Saved with the workflow, under the node's key.
	expect(trigger.savedStaticData()).toEqual({ [STATIC_DATA_KEY]: stored });
});

test('after a restart of n8n, checkExists finds the session and nothing is read again', async () => {
	const first = await start();
	const restarted = await start({}, { activate: false, staticData: first.savedStaticData() });
	expect(await restarted.activate('init')).toEqual({ existed: true });
	expect(meCalls(server())).toBe(1);
});

test('deactivation forgets the session; the next activation reads it again', async () => {
	const trigger = await start();
	expect(await trigger.deactivate()).toBe(true);
	expect(trigger.nodeStaticData).toEqual({});
	server().state.sessionId = 12;
	expect(await trigger.activate()).toEqual({ existed: false });
	expect(trigger.nodeStaticData).toEqual({
		sessionId: '12',
		sessionCheckedAt: expect.any(Number) as number,
	});
	expect(meCalls(server())).toBe(2);
});

test('a wrong token makes the activation fail with a clear error, without the token', async () => {
	const wrongToken = randomBytes(16).toString('hex');
	const trigger = await start(
		{},
		{ activate: false, credentials: { ...credentials(), apiToken: wrongToken } },
	);
	const error = await activationError(trigger);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error.message).toBe(
		'Could not read the WhatsApp line of this credential from Wappfly: Missing or invalid X-API-Token header.',
	);
	expect(error.description).toContain('Wappfly refused the API token');
	expect((error as NodeApiError).httpCode).toBe('401');
	expect(JSON.stringify(error)).not.toContain(wrongToken);
	expect(`${error.message} ${error.description}`).not.toContain(wrongToken);
	expect(trigger.nodeStaticData).toEqual({});
});

test('an unreachable Base URL makes the activation fail with a clear error', async () => {
	const trigger = await start(
		{},
		{ activate: false, credentials: { ...credentials(), baseUrl: 'http://127.0.0.1:9' } },
	);
	const error = await activationError(trigger);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error.message).toBe(
		'Could not read the WhatsApp line of this credential from Wappfly: Could not connect to Wappfly at http://127.0.0.1:9',
	);
});

test('a failing Wappfly makes the activation fail with its status', async () => {
	const trigger = await start({}, { activate: false });
	server().failNext({ status: 503 });
	const error = (await activationError(trigger)) as NodeApiError;
	expect(error.httpCode).toBe('503');
	expect(error.message).toContain('Injected failure: HTTP 503.');
});

test('an answer without a session ID makes the activation fail', async () => {
	const trigger = await start({}, { activate: false });
	server().failNext({ status: 200, body: '{"user":{"id":1}}' });
	const error = await activationError(trigger);
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(error.message).toBe('Wappfly answered GET /api/me without a session ID');
	expect(trigger.nodeStaticData).toEqual({});
});

test('invalid filters make the activation fail, naming each problem', async () => {
	const trigger = await start(
		{ filters: { senders: '+1 555, 15551234567', textRegex: '([a-z]' } },
		{ activate: false },
	);
	const error = await activationError(trigger);
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(error.message).toBe('The filters of the Wappfly Trigger are not valid');
	expect(error.description).toContain('Only These Senders: "+1 555" is not a phone number or JID');
	expect(error.description).toContain(
		'Text Matches Regex: "([a-z]" is not a valid regular expression',
	);
	expect(meCalls(server())).toBe(0);
});
