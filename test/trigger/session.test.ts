/**
 * Forged traffic cannot be amplified into Wappfly calls (issue 7 §4): the trigger re-reads the
 * line's session (GET /api/me) at most once a minute, keeping the session and the time it last
 * asked in the workflow's static data, never in process memory.
 *
 * Time is the trigger's own clock (`sessionClock`), frozen and moved by each test: nothing here
 * waits, and nothing depends on how fast the machine is.
 */
import { WappflyTrigger } from '../../nodes/WappflyTrigger/WappflyTrigger.node';
import { sessionClock } from '../../nodes/WappflyTrigger/session';
import type { StaticDataMode, TriggerHarness, WebhookCall } from '../harness/webhook';
import { envelope, REFERENCE_ENVELOPE } from './fixtures';
import { meCalls, useTrigger } from './helpers';

const { server, start } = useTrigger();

// Hundreds of HTTP posts per test on a shared machine: time enough, but no assertion on time.
jest.setTimeout(180_000);

const MINUTE = 60_000;
/** Each test starts (and activates) at this instant. */
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
let now = T0;
const systemClock = sessionClock.now;
beforeEach(() => {
	now = T0;
	sessionClock.now = () => now;
});
afterEach(() => {
	sessionClock.now = systemClock;
});

/** A payload that names another line: what a forger who does not know the session sends. */
const FORGED = envelope({ sessionId: 9 });
const FORBIDDEN = {
	error: "Forbidden: this payload's session is not the WhatsApp line of the trigger's credential",
};

/** Posts `count` bodies, `concurrency` at a time (1: one after the other). */
async function postMany(
	trigger: TriggerHarness,
	count: number,
	body: unknown,
	concurrency = 1,
): Promise<WebhookCall[]> {
	const calls: WebhookCall[] = [];
	for (let sent = 0; sent < count; sent += concurrency) {
		const batch = Array.from({ length: Math.min(concurrency, count - sent) }, () =>
			trigger.post(body),
		);
		calls.push(...(await Promise.all(batch)));
	}
	return calls;
}

/** Every call was refused with 403, started nothing and threw nothing. */
function expectAllRefused(calls: WebhookCall[]): void {
	const outcomes = new Set(
		calls.map((call) =>
			JSON.stringify([
				call.status,
				call.response,
				call.started ?? null,
				call.error?.message ?? null,
			]),
		),
	);
	expect([...outcomes]).toEqual([JSON.stringify([403, FORBIDDEN, null, null])]);
}

describe.each<StaticDataMode>(['shared', 'per-request'])('static data %s', (staticDataMode) => {
	test('activation reads the session once and stores it with the time it was read', async () => {
		const trigger = await start({}, { staticDataMode });
		expect(meCalls(server())).toBe(1);
		expect(trigger.nodeStaticData).toEqual({ sessionId: '8', sessionCheckedAt: T0 });
	});

	test('500 forged posts less than a minute after the last read: no /api/me call, nothing starts', async () => {
		const trigger = await start({}, { staticDataMode });
		now = T0 + MINUTE - 1;
		expectAllRefused(await postMany(trigger, 500, FORGED));
		expect(meCalls(server())).toBe(1);
		expect(trigger.nodeStaticData).toEqual({ sessionId: '8', sessionCheckedAt: T0 });
	});

	test('500 forged posts once the last read is a minute old: one /api/me call, nothing starts', async () => {
		const trigger = await start({}, { staticDataMode });
		now = T0 + MINUTE;
		expectAllRefused(await postMany(trigger, 500, FORGED));
		expect(meCalls(server()) - 1).toBe(1);
		expect(trigger.nodeStaticData).toEqual({ sessionId: '8', sessionCheckedAt: T0 + MINUTE });

		// The next minute allows the next read, and only one.
		now = T0 + 2 * MINUTE - 1;
		expectAllRefused(await postMany(trigger, 50, FORGED));
		expect(meCalls(server()) - 1).toBe(1);
		now = T0 + 2 * MINUTE;
		expectAllRefused(await postMany(trigger, 50, FORGED));
		expect(meCalls(server()) - 1).toBe(2);
	});

	test("the line's own messages never cause a read", async () => {
		const trigger = await start({}, { staticDataMode });
		now = T0 + 24 * 60 * MINUTE;
		const calls = await postMany(trigger, 20, REFERENCE_ENVELOPE);
		expect(calls.every((call) => call.status === 200 && call.started?.length === 1)).toBe(true);
		expect(meCalls(server())).toBe(1);
	});

	test('after the credential was switched to another line, its messages are accepted after at most a minute', async () => {
		const trigger = await start({}, { staticDataMode });
		// The credential's token now belongs to line 21 (same token, as far as the node can tell).
		server().state.sessionId = 21;
		const newLine = envelope({ sessionId: 21 });

		// Less than a minute after the last read: refused like any other line, without a read.
		now = T0 + 30_000;
		const early = await trigger.post(newLine);
		expect(early.status).toBe(403);
		expect(early.started).toBeUndefined();
		expect(meCalls(server())).toBe(1);

		// A minute after the last read: read again, accepted, remembered.
		now = T0 + MINUTE;
		const accepted = await trigger.post(newLine);
		expect(accepted.status).toBe(200);
		expect(accepted.started).toHaveLength(1);
		expect(meCalls(server())).toBe(2);
		expect(trigger.nodeStaticData).toEqual({ sessionId: '21', sessionCheckedAt: T0 + MINUTE });

		// The old line is now the one refused, without another read.
		now = T0 + MINUTE + 1;
		expect((await trigger.post(envelope({ sessionId: 8 }))).status).toBe(403);
		expect((await trigger.post(newLine)).started).toHaveLength(1);
		expect(meCalls(server())).toBe(2);
	});

	test('after the credential was switched, the first message is accepted at once when the last read is older than a minute', async () => {
		const trigger = await start({}, { staticDataMode });
		server().state.sessionId = 21;
		now = T0 + 60 * MINUTE;
		const call = await trigger.post(envelope({ sessionId: 21 }));
		expect(call.status).toBe(200);
		expect(call.started).toHaveLength(1);
		expect(meCalls(server())).toBe(2);
	});

	test('a webhook process without the session asks once; while Wappfly fails, at most once a minute', async () => {
		// Queue mode: this process loaded the workflow before the activation's static data was saved.
		const worker = await start({}, { activate: false, staticData: {}, staticDataMode });
		server().failNext({ status: 500 });
		const first = await worker.post(REFERENCE_ENVELOPE);
		expect(first.status).toBe(503);
		expect(first.started).toBeUndefined();
		expect(meCalls(server())).toBe(1);
		expect(worker.nodeStaticData).toEqual({ sessionCheckedAt: T0 });

		now = T0 + MINUTE - 1;
		const refused = await postMany(worker, 100, REFERENCE_ENVELOPE);
		expect(new Set(refused.map((call) => call.status))).toEqual(new Set([503]));
		expect(refused.every((call) => call.started === undefined)).toBe(true);
		expect(meCalls(server())).toBe(1);

		now = T0 + MINUTE;
		const accepted = await worker.post(REFERENCE_ENVELOPE);
		expect(accepted.status).toBe(200);
		expect(accepted.started).toHaveLength(1);
		expect(meCalls(server())).toBe(2);
		expect(worker.nodeStaticData).toEqual({ sessionId: '8', sessionCheckedAt: T0 + MINUTE });
	});

	test('a stored session from an older version (no time): one read, then the minute applies', async () => {
		const trigger = await start(
			{},
			{
				activate: false,
				staticData: { 'node:Wappfly Trigger': { sessionId: '8' } },
				staticDataMode,
			},
		);
		expectAllRefused(await postMany(trigger, 20, FORGED));
		expect(meCalls(server())).toBe(1);
		expect(trigger.nodeStaticData).toEqual({ sessionId: '8', sessionCheckedAt: T0 });
	});

	test('a time in the future (another clock) does not block reads: it counts as old', async () => {
		const trigger = await start(
			{},
			{
				activate: false,
				staticData: {
					'node:Wappfly Trigger': { sessionId: '8', sessionCheckedAt: T0 + 10 * MINUTE },
				},
				staticDataMode,
			},
		);
		server().state.sessionId = 21;
		const call = await trigger.post(envelope({ sessionId: 21 }));
		expect(call.status).toBe(200);
		expect(meCalls(server())).toBe(1);
		expect(trigger.nodeStaticData).toEqual({ sessionId: '21', sessionCheckedAt: T0 });
	});
});

test('one process (shared static data): 500 forged posts, 50 at a time, when a read is due: one /api/me call', async () => {
	const trigger = await start();
	now = T0 + MINUTE;
	expectAllRefused(await postMany(trigger, 500, FORGED, 50));
	expect(meCalls(server()) - 1).toBe(1);
});

test("n8n's production webhooks (static data per request): a burst that arrives while the read is in flight may each read once; then none for a minute", async () => {
	// n8n builds each request's workflow from the static data last saved, and saves it when the
	// node returns: posts that arrive while the first re-read waits for Wappfly have not seen it.
	const trigger = await start({}, { staticDataMode: 'per-request' });
	now = T0 + MINUTE;
	server().failNext({ delayMs: 200 });
	const burst = await postMany(trigger, 20, FORGED, 20);
	expectAllRefused(burst);
	const burstReads = meCalls(server()) - 1;
	expect(burstReads).toBeGreaterThanOrEqual(1);
	expect(burstReads).toBeLessThanOrEqual(20);

	expectAllRefused(await postMany(trigger, 480, FORGED));
	expect(meCalls(server()) - 1).toBe(burstReads);
});

describe('Verify Session off', () => {
	const OFF = { options: { verifySession: false } };

	test('activation reads nothing from Wappfly and stores nothing', async () => {
		const trigger = await start(OFF, { activate: false });
		expect(await trigger.activate()).toEqual({ existed: false });
		await trigger.activate('manual', 'test');
		expect(meCalls(server())).toBe(0);
		expect(trigger.nodeStaticData).toEqual({});
	});

	test('a restart of n8n reads nothing either', async () => {
		const trigger = await start(OFF, { staticDataMode: 'per-request' });
		expect(await trigger.activate('init')).toEqual({ existed: false });
		expect(meCalls(server())).toBe(0);
	});

	test('posts of any session start the workflow and read nothing', async () => {
		const trigger = await start(OFF);
		const calls = [
			...(await postMany(trigger, 10, REFERENCE_ENVELOPE)),
			...(await postMany(trigger, 10, FORGED)),
		];
		expect(calls.every((call) => call.status === 200 && call.started?.length === 1)).toBe(true);
		expect(meCalls(server())).toBe(0);
	});

	test('turning it off on an active workflow forgets the stored session', async () => {
		const trigger = await start();
		expect(trigger.nodeStaticData).toEqual({ sessionId: '8', sessionCheckedAt: T0 });
		// Saving an active workflow makes n8n deactivate and activate it again.
		await trigger.deactivate();
		trigger.configure(OFF);
		await trigger.activate();
		expect(trigger.nodeStaticData).toEqual({});
		expect(meCalls(server())).toBe(1);
	});
});

test('the notice, the trigger panel and the options explain the threat model', () => {
	const { description } = new WappflyTrigger();
	const option = (name: string) =>
		(
			description.properties.find((property) => property.name === 'options')?.options as Array<{
				name: string;
				description?: string;
			}>
		).find((entry) => entry.name === name)?.description ?? '';
	const notice = description.properties.find((property) => property.type === 'notice');
	for (const text of [notice?.displayName ?? '', JSON.stringify(description.triggerPanel)]) {
		expect(text).toContain('Anyone who knows the URL can post to it');
		expect(text).toMatch(/Verify Session.{0,10} refuses payloads meant for another line/);
		expect(text).toMatch(/only a .{0,3}Webhook Secret.{0,4} stops forged requests/);
		expect(text).toContain('?secret=');
	}
	expect(option('verifySession')).toContain('It does not stop forged requests');
	expect(option('verifySession')).toContain('at most once a minute');
	expect(option('webhookSecret')).toMatch(/^Recommended: the secret is what stops forged requests/);
});
