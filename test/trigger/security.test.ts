import { randomBytes } from 'node:crypto';
import { secretMatches } from '../../nodes/WappflyTrigger/webhook';
import { REFERENCE_ENVELOPE, envelope } from './fixtures';
import { meCalls, useTrigger } from './helpers';

const { server, credentials, start } = useTrigger();

const FORBIDDEN = {
	error: "Forbidden: this payload's session is not the WhatsApp line of the trigger's credential",
};
const UNAUTHORIZED = { error: 'Unauthorized: the secret query parameter is missing or wrong' };

describe('Verify Session (on by default)', () => {
	test('a payload of the line starts; one of another session gets 403 and starts nothing', async () => {
		const trigger = await start();
		expect((await trigger.post(envelope({ sessionId: 8 }))).started).toHaveLength(1);
		expect((await trigger.post(envelope({ sessionId: '8' }))).started).toHaveLength(1);

		const other = await trigger.post(envelope({ sessionId: 9 }));
		expect(other.status).toBe(403);
		expect(other.response).toEqual(FORBIDDEN);
		expect(other.started).toBeUndefined();
		expect(other.error).toBeUndefined();
	});

	test('a payload without session gets 403', async () => {
		const trigger = await start();
		const body = JSON.parse(JSON.stringify(REFERENCE_ENVELOPE)) as Record<string, unknown>;
		delete body.session;
		const call = await trigger.post(body);
		expect(call.status).toBe(403);
		expect(call.started).toBeUndefined();
		// Nothing to compare with: Wappfly is not asked.
		expect(meCalls(server())).toBe(1);
	});

	test('turned off, any session starts the workflow and Wappfly is not asked', async () => {
		const trigger = await start({ options: { verifySession: false } }, { activate: false });
		const call = await trigger.post(envelope({ sessionId: 9 }));
		expect(call.status).toBe(200);
		expect(call.started?.[0].json.sessionId).toBe(9);
		expect(meCalls(server())).toBe(0);
	});

	test('queue mode: a webhook process without the session in static data reads it once', async () => {
		// Another process activated the workflow; this one loaded it before the static data was saved.
		const worker = await start({}, { activate: false, staticData: {} });
		const first = await worker.post(envelope({ sessionId: 8 }));
		expect(first.status).toBe(200);
		expect(first.started).toHaveLength(1);
		expect(meCalls(server())).toBe(1);
		expect(worker.nodeStaticData).toMatchObject({ sessionId: '8' });

		await worker.post(envelope({ sessionId: 8 }));
		expect(meCalls(server())).toBe(1);
	});

	test('queue mode: a webhook process with the saved static data never asks', async () => {
		const main = await start();
		const worker = await start({}, { activate: false, staticData: main.savedStaticData() });
		expect((await worker.post(envelope({ sessionId: 8 }))).started).toHaveLength(1);
		expect((await worker.post(envelope({ sessionId: 9 }))).status).toBe(403);
		// Only the activation's read: the line was read less than a minute before the 403.
		expect(meCalls(server())).toBe(1);
	});

	// After the credential's token was switched to another line, the session is read again, at
	// most once a minute: see session.test.ts.

	test('when the session cannot be read at all, 503 and nothing starts', async () => {
		const trigger = await start(
			{},
			{
				activate: false,
				credentials: { ...credentials(), apiToken: randomBytes(16).toString('hex') },
			},
		);
		const call = await trigger.post(envelope({ sessionId: 8 }));
		expect(call.status).toBe(503);
		expect(call.response).toEqual({
			error: 'The session of this payload could not be verified: n8n could not reach Wappfly',
		});
		expect(call.started).toBeUndefined();
		expect(call.error).toBeUndefined();
		expect(meCalls(server())).toBe(1);
	});

	test('a stored session and a failing Wappfly: a mismatch is still refused with 403', async () => {
		const trigger = await start();
		server().failNext({ status: 500 });
		const call = await trigger.post(envelope({ sessionId: 9 }));
		expect(call.status).toBe(403);
		expect(call.started).toBeUndefined();
	});
});

describe('Webhook Secret', () => {
	// Letters, digits, - and _ as the option's description advises.
	const SECRET = `k${randomBytes(12).toString('base64url')}`;

	test('the right secret in the query starts the workflow (as delivered by Wappfly)', async () => {
		const trigger = await start({ options: { webhookSecret: SECRET } });
		const delivered = await server().sendInbound(
			trigger.productionUrl,
			server().inboundEnvelope(),
			`secret=${SECRET}`,
		);
		await trigger.idle();
		expect(delivered.status).toBe(200);
		expect(trigger.calls[0].started).toHaveLength(1);
	});

	test.each<[string, string | undefined]>([
		['no query', undefined],
		['an empty secret', 'secret='],
		['a wrong secret of the same length', `secret=${'x'.repeat(SECRET.length)}`],
		['a wrong, longer secret', `secret=${SECRET}x`],
		['a prefix of the secret', `secret=${SECRET.slice(0, 4)}`],
		['the secret under another name', `token=${SECRET}`],
		['the secret given twice', `secret=${SECRET}&secret=${SECRET}`],
		['the secret in another case', `secret=${SECRET.toUpperCase()}`],
	])('%s -> 401, nothing starts', async (_name, query) => {
		const trigger = await start({ options: { webhookSecret: SECRET } });
		const call = await trigger.post(REFERENCE_ENVELOPE, { query });
		expect(call.status).toBe(401);
		expect(call.response).toEqual(UNAUTHORIZED);
		expect(call.started).toBeUndefined();
		expect(call.error).toBeUndefined();
	});

	test('the secret is checked first: no body check, no call to Wappfly', async () => {
		const trigger = await start({ options: { webhookSecret: SECRET } }, { activate: false });
		const garbage = await trigger.post('not json', {
			contentType: 'text/plain',
			query: 'secret=no',
		});
		expect(garbage.status).toBe(401);
		const otherSession = await trigger.post(envelope({ sessionId: 9 }), { query: 'secret=no' });
		expect(otherSession.status).toBe(401);
		expect(meCalls(server())).toBe(0);
	});

	test('a secret with characters that need URL encoding', async () => {
		const secret = 'a b+c/d=e&f?g#h%ü';
		const trigger = await start({ options: { webhookSecret: secret } });
		const call = await trigger.post(REFERENCE_ENVELOPE, {
			query: `secret=${encodeURIComponent(secret)}`,
		});
		expect(call.status).toBe(200);
		expect(call.started).toHaveLength(1);
	});

	test('spaces around the configured secret are ignored', async () => {
		const trigger = await start({ options: { webhookSecret: `  ${SECRET}\n` } });
		expect((await trigger.post(REFERENCE_ENVELOPE, { query: `secret=${SECRET}` })).status).toBe(
			200,
		);
	});

	test.each([true, false])(
		'the secret is never echoed nor written into the output (Simplify %s)',
		async (simplify) => {
			const trigger = await start({ simplify, options: { webhookSecret: SECRET } });
			const calls = [
				await trigger.post(REFERENCE_ENVELOPE, { query: `secret=${SECRET}` }),
				await trigger.post(REFERENCE_ENVELOPE, { query: `secret=${SECRET}x` }),
				await trigger.post('[]', { query: `secret=${SECRET}` }),
				await trigger.post(envelope({ sessionId: 9 }), { query: `secret=${SECRET}` }),
			];
			expect(calls.map((call) => call.status)).toEqual([200, 401, 400, 403]);
			for (const call of calls) {
				expect(call.responseText).not.toContain(SECRET);
				expect(JSON.stringify(call.started ?? [])).not.toContain(SECRET);
			}
			expect(calls[0].started).toHaveLength(1);
		},
	);

	test('comparison of secrets of any length does not throw', () => {
		expect(secretMatches(SECRET, SECRET)).toBe(true);
		expect(secretMatches('', SECRET)).toBe(false);
		expect(secretMatches(SECRET.repeat(100), SECRET)).toBe(false);
		expect(secretMatches([SECRET], SECRET)).toBe(false);
		expect(secretMatches({ secret: SECRET }, SECRET)).toBe(false);
		expect(secretMatches(undefined, SECRET)).toBe(false);
	});
});
