/**
 * The Wappfly Polling Trigger in n8n-core's activation and poll code (test/harness/poll.ts)
 * against the contract server: the cursor, restarts, gaps, options, errors, manual runs.
 */
import { NodeApiError, WorkflowActivationError } from 'n8n-workflow';

import { loggedLines } from '../harness/fixtures';
import { POLLING_STATIC_KEY } from '../harness/poll';
import { ERRORS, SEED } from '../server/wappfly-server';
import { crypto } from '../support/node';
import { polls, receive, texts, usePolling } from './helpers';

const { server, credentials, start } = usePolling();

/** The seed's newest message: history that must never be emitted. */
const NEWEST_SEED_ID = 122;

async function activationError(trigger: Awaited<ReturnType<typeof start>>) {
	try {
		await trigger.activate();
	} catch (error) {
		return error as WorkflowActivationError;
	}
	throw new Error('the activation did not fail');
}

describe('the cursor', () => {
	test('activation polls once, replays no history and saves the cursor with the workflow', async () => {
		const trigger = await start();
		expect(polls(server())).toHaveLength(1);
		const [request] = polls(server());
		expect(request).toMatchObject({ method: 'GET', query: { limit: '100' }, status: 200 });
		expect(request.headers['x-api-token']).toBe(server().token);
		expect(trigger.executions).toEqual([]);
		expect(trigger.savedStaticData).toEqual({ [POLLING_STATIC_KEY]: { lastId: NEWEST_SEED_ID } });
	});

	test('every poll emits the new messages once, oldest first, in one execution', async () => {
		const trigger = await start();
		const first = receive(server(), 3, 'first');
		await trigger.tick();
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.emitted.map((item) => item.id)).toEqual(first.map((m) => m.id));
		expect(texts(trigger.emitted)).toEqual(['first 1', 'first 2', 'first 3']);

		await trigger.tick();
		expect(trigger.executions).toHaveLength(1);

		const second = receive(server(), 2, 'second');
		await trigger.tick();
		await trigger.tick();
		expect(trigger.executions).toHaveLength(2);
		expect(trigger.executions[1].map((item) => item.json.messageId)).toEqual(
			second.map((m) => m.msg_id),
		);
		const ids = trigger.emitted.map((item) => item.id);
		expect(new Set(ids).size).toBe(5);
		expect(trigger.savedNodeStaticData).toEqual({ lastId: second[1].id });
		expect(polls(server())).toHaveLength(5);
	});

	test('the item has the webhook trigger fields, plus id, status, fromMe and possibleGap', async () => {
		const trigger = await start();
		const [stored] = receive(server(), 1, 'hello', { from: '+44 7700 900123', pushName: 'Bob' });
		await trigger.tick();
		expect(trigger.emitted).toEqual([
			{
				messageId: stored.msg_id,
				chatJid: '447700900123@s.whatsapp.net',
				isGroup: false,
				from: '447700900123',
				fromJid: '447700900123@s.whatsapp.net',
				senderName: null,
				type: 'text',
				text: 'hello 1',
				mimeType: null,
				fileName: null,
				quotedMessageId: null,
				timestamp: `${stored.timestamp.replace(' ', 'T')}.000Z`,
				sessionId: null,
				id: stored.id,
				status: 'received',
				fromMe: false,
				possibleGap: false,
			},
		]);
	});

	test('two polls that overlap emit each message once', async () => {
		const trigger = await start();
		receive(server(), 4);
		server().failNext({ delayMs: 200 });
		await Promise.all([trigger.tick(), trigger.tick()]);
		expect(texts(trigger.emitted).sort()).toEqual([
			'message 1',
			'message 2',
			'message 3',
			'message 4',
		]);
	});
});

describe('stops and restarts', () => {
	test('deactivated, messages arrive, reactivated: each arrives once, at the activation poll', async () => {
		const trigger = await start();
		receive(server(), 2, 'before');
		await trigger.tick();
		await trigger.deactivate();

		const missed = receive(server(), 3, 'while stopped');
		await trigger.activate();
		expect(trigger.executions).toHaveLength(2);
		expect(trigger.executions[1].map((item) => item.json.id)).toEqual(missed.map((m) => m.id));

		await trigger.tick();
		expect(texts(trigger.emitted)).toEqual([
			'before 1',
			'before 2',
			'while stopped 1',
			'while stopped 2',
			'while stopped 3',
		]);
	});

	test('n8n restarted before any message came: the cursor of the activation was saved', async () => {
		const trigger = await start();
		const missed = receive(server(), 2);
		await trigger.restart();
		expect(trigger.emitted.map((item) => item.id)).toEqual(missed.map((m) => m.id));
	});

	test('a restart resumes from the saved cursor, not from what a silent poll saw', async () => {
		// A poll that emits nothing (here: only the line's own message) is not saved by n8n. After
		// a restart the trigger looks at that message again and leaves it out again.
		const trigger = await start();
		const [sent] = [await sendFromLine('a reply')];
		await trigger.tick();
		expect(trigger.nodeStaticData).toEqual({ lastId: sent });
		expect(trigger.savedNodeStaticData).toEqual({ lastId: NEWEST_SEED_ID });
		const after = receive(server(), 1, 'after');
		await trigger.restart();
		expect(trigger.emitted.map((item) => item.id)).toEqual([after[0].id]);
		expect(trigger.savedNodeStaticData).toEqual({ lastId: after[0].id });
	});

	test('a new workflow (no static data) starts from now, whatever the history holds', async () => {
		receive(server(), 5, 'old');
		const trigger = await start();
		await trigger.tick();
		expect(trigger.executions).toEqual([]);
	});
});

/** Sends a text through the API, as a workflow that replies does; returns its row id. */
async function sendFromLine(text: string): Promise<number> {
	const response = await fetch(`${server().url}/api/messages/send`, {
		method: 'POST',
		headers: { 'X-API-Token': server().token, 'Content-Type': 'application/json' },
		body: JSON.stringify({ to: SEED.aliceJid, text }),
	});
	expect(response.status).toBe(200);
	const { msg_id: msgId } = (await response.json()) as { msg_id: string };
	return server().state.messages.find((m) => m.msg_id === msgId)!.id;
}

describe('gaps', () => {
	test('more than a page between two polls: the first item says so, once', async () => {
		const trigger = await start();
		const arrived = receive(server(), 150);
		await trigger.tick();
		const items = trigger.emitted;
		expect(items).toHaveLength(100);
		expect(items.map((item) => item.id)).toEqual(arrived.slice(50).map((m) => m.id));
		expect(items[0]).toMatchObject({
			possibleGap: true,
			gapAfterId: NEWEST_SEED_ID,
			gapBeforeId: arrived[50].id,
		});
		expect(items.slice(1).every((item) => item.possibleGap === false)).toBe(true);
		expect(items.slice(1).some((item) => 'gapAfterId' in item)).toBe(false);
		expect(loggedLines.join('\n')).toContain(
			`messages with an ID between ${NEWEST_SEED_ID} and ${arrived[50].id} may have been missed`,
		);

		receive(server(), 1, 'next');
		await trigger.tick();
		expect(trigger.executions[1].map((item) => item.json.possibleGap)).toEqual([false]);
	});

	test('exactly a page, right after the cursor: no gap', async () => {
		const trigger = await start();
		receive(server(), 100);
		await trigger.tick();
		expect(trigger.emitted).toHaveLength(100);
		expect(trigger.emitted.some((item) => item.possibleGap !== false)).toBe(false);
	});

	test('a gap whose messages the options all leave out is reported on the next item', async () => {
		const trigger = await start({ options: { ignoreGroups: true } });
		const groupMessages = receive(server(), 120, 'group', { group: SEED.groupJid });
		await trigger.tick();
		expect(trigger.executions).toEqual([]);
		expect(trigger.nodeStaticData).toMatchObject({
			pendingGap: { afterId: NEWEST_SEED_ID, beforeId: groupMessages[20].id },
		});

		receive(server(), 1, 'direct');
		await trigger.tick();
		expect(trigger.emitted).toEqual([
			expect.objectContaining({
				text: 'direct 1',
				possibleGap: true,
				gapAfterId: NEWEST_SEED_ID,
				gapBeforeId: groupMessages[20].id,
			}),
		]);
		expect(trigger.savedNodeStaticData).not.toHaveProperty('pendingGap');
	});
});

describe('options', () => {
	test("the line's own messages are left out by default, so a reply does not start it again", async () => {
		const trigger = await start();
		await sendFromLine('our reply');
		receive(server(), 1, 'customer');
		await trigger.tick();
		expect(texts(trigger.emitted)).toEqual(['customer 1']);
	});

	test('Include Messages Sent by Me lets them through, marked fromMe', async () => {
		const trigger = await start({ options: { includeFromMe: true } });
		const sent = await sendFromLine('our reply');
		await trigger.tick();
		expect(trigger.emitted).toEqual([
			expect.objectContaining({
				id: sent,
				text: 'our reply',
				fromMe: true,
				from: null,
				fromJid: null,
				chatJid: SEED.aliceJid,
				status: 'sent',
			}),
		]);
	});

	test('Ignore Group Messages, Only These Chats and Message Types, as in the webhook trigger', async () => {
		const trigger = await start({
			options: {
				ignoreGroups: true,
				chats: '+1 555 123 4567, +44 7700 900123',
				messageTypes: ['text', 'image'],
			},
		});
		server().receiveMessage({ text: 'group', group: SEED.groupJid });
		server().receiveMessage({ text: 'carla', from: '4915112345678' });
		server().receiveMessage({ text: 'alice voice', type: 'audio' });
		server().receiveMessage({ text: 'alice photo', type: 'image' });
		server().receiveMessage({ text: 'bob', from: '447700900123' });
		await trigger.tick();
		expect(texts(trigger.emitted)).toEqual(['alice photo', 'bob']);
		// Left-out messages move the cursor too: they are not looked at again.
		expect(trigger.nodeStaticData).toEqual({
			lastId: server().state.messages[server().state.messages.length - 1].id,
		});
	});

	test('an option that is not valid fails the activation before any request, naming it', async () => {
		const trigger = await start({ options: { chats: 'alice' } }, { activate: false });
		const error = await activationError(trigger);
		expect(error).toBeInstanceOf(WorkflowActivationError);
		expect(error.message).toBe(
			'There was a problem activating the workflow: "The options of the Wappfly Polling Trigger are not valid: Only These Chats: "alice" is not a phone number or JID (it has characters other than digits)"',
		);
		expect(server().requests).toEqual([]);
	});
});

describe('errors', () => {
	test("a wrong token fails the activation with Wappfly's text, without the token", async () => {
		const wrongToken = crypto.randomBytes(16).toString('hex');
		const trigger = await start(
			{},
			{ activate: false, credentials: { ...credentials(), apiToken: wrongToken } },
		);
		const error = await activationError(trigger);
		expect(error).toBeInstanceOf(WorkflowActivationError);
		expect(error.message).toBe(
			`There was a problem activating the workflow: "${ERRORS.unauthorized}"`,
		);
		expect(JSON.stringify(error)).not.toContain(wrongToken);
		expect(trigger.savedStaticData).toEqual({});
		expect(loggedLines.join('\n')).not.toContain(wrongToken);
	});

	test('a 401 on a scheduled poll (token rotated) is reported with the hint', async () => {
		const trigger = await start();
		server().failNext({ status: 401, body: JSON.stringify({ error: ERRORS.unauthorized }) });
		await trigger.tick();
		const [error] = trigger.errors as NodeApiError[];
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(ERRORS.unauthorized);
		expect(error.httpCode).toBe('401');
		expect(error.description).toContain('Wappfly refused the API token');
		expect(trigger.executions).toEqual([]);
	});

	test('a 403 on a scheduled poll is reported as an error; the next poll catches up', async () => {
		const trigger = await start();
		const arrived = receive(server(), 2);
		server().failNext({ status: 403, body: JSON.stringify({ error: ERRORS.banned('sales') }) });
		await trigger.tick();
		expect(trigger.executions).toEqual([]);
		expect(trigger.errors).toHaveLength(1);
		const [error] = trigger.errors as NodeApiError[];
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(ERRORS.banned('sales'));
		expect(error.httpCode).toBe('403');
		expect(error.description).toContain('disconnected or banned');
		expect(trigger.nodeStaticData).toEqual({ lastId: NEWEST_SEED_ID });

		await trigger.tick();
		expect(trigger.emitted.map((item) => item.id)).toEqual(arrived.map((m) => m.id));
	});

	test('an answer that is not a list of messages is a clear error', async () => {
		const trigger = await start();
		server().failNext({ status: 200, body: JSON.stringify({ messages: [] }) });
		await trigger.tick();
		expect(trigger.errors.map((error) => error.message)).toEqual([
			'Wappfly answered GET /api/messages/recent with something that is not a list of messages',
		]);
	});

	test('a row it cannot read is skipped with a warning, the others come out', async () => {
		const trigger = await start();
		receive(server(), 1, 'good');
		server().state.messages.push({ ...server().state.messages[0], id: 0, msg_id: 'BROKEN' });
		await trigger.tick();
		expect(texts(trigger.emitted)).toEqual(['good 1']);
		expect(loggedLines.join('\n')).toContain(
			'Wappfly Polling Trigger skipped a message it could not read: the row has no positive integer "id"',
		);
	});
});

describe('a manual run in the editor ("Fetch Test Event")', () => {
	test('returns the latest message that passes the options, without touching the cursor', async () => {
		const trigger = await start();
		receive(server(), 2, 'new');
		await sendFromLine('our reply');
		const saved = trigger.savedStaticData;
		const run = await trigger.fetchTestEvent();
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.text)).toEqual(['new 2']);
		expect(trigger.savedStaticData).toEqual(saved);
		expect(trigger.nodeStaticData).toEqual({ lastId: NEWEST_SEED_ID });

		await trigger.tick();
		expect(texts(trigger.emitted)).toEqual(['new 1', 'new 2']);
	});

	test('works before any activation and leaves no cursor behind', async () => {
		const trigger = await start({}, { activate: false });
		const run = await trigger.fetchTestEvent();
		expect(run.items.map((item) => item.json.messageId)).toEqual([SEED.incomingMsgId]);
		expect(trigger.savedStaticData).toEqual({});
	});

	test('says so when no message passes the options', async () => {
		const trigger = await start({ options: { messageTypes: ['sticker'] } }, { activate: false });
		const run = await trigger.fetchTestEvent();
		expect(run.items).toEqual([]);
		expect(run.error?.message).toBe('None of the latest 9 messages of the line passes the options');
		expect(run.error?.description).toContain('or change the options');
	});
});

test("n8n's own rule: a poll cron with * in its seconds field is refused", async () => {
	const trigger = await start(
		{},
		{
			activate: false,
			pollTimes: { item: [{ mode: 'custom', cronExpression: '* * * * * *' }] },
		},
	);
	const error = await activationError(trigger);
	expect(error.message).toContain(
		'The polling interval is too short. It has to be at least a minute.',
	);
});
