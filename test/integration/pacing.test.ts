/**
 * Options > Pacing of the send operations, run through n8n-core against the contract server: the
 * server's receive times show the pauses. Only lower bounds are asserted (a slow machine makes the
 * gaps longer, never shorter).
 */
import type { INodeParameters } from 'n8n-workflow';

import { MAX_PACING_MS } from '../../nodes/Wappfly/actions/pacing';
import { byId, run, useWappflyServer } from '../harness/fixtures';
import type { RecordedRequest } from '../server/wappfly-server';
import { sleep } from '../support/node';

const { server, credentials } = useWappflyServer();

const ALICE = '15551234567@s.whatsapp.net';
const NUMBERS = ['+15551111111', '+15552222222', '+15553333333'];
const JIDS = NUMBERS.map((n) => `${n.slice(1)}@s.whatsapp.net`);
/** A PNG signature is enough for the contract server, which checks base64, not pixels. */
const PNG_BASE64 = Buffer.from('\x89PNG\r\n\x1a\n').toString('base64');

function pacing(
	delayBetweenMessages: number | string,
	randomExtraDelay: number | string = 0,
): INodeParameters {
	return { pacing: { values: { delayBetweenMessages, randomExtraDelay } } };
}

function sendText(options: INodeParameters, text = 'Hello'): INodeParameters {
	return {
		resource: 'message',
		operation: 'sendText',
		to: byId('={{ $json.to }}'),
		text,
		options,
	};
}

const items = (numbers = NUMBERS) => numbers.map((to) => ({ json: { to } }));

/** Milliseconds between one received request and the next. */
function gaps(requests: RecordedRequest[]): number[] {
	return requests.slice(1).map((request, i) => request.receivedAt - requests[i].receivedAt);
}

function sentTo(): string[] {
	return server().requests.map((request) => (request.body as { to: string }).to);
}

describe('Pacing waits between two sends of a run, in the order of the items', () => {
	test('Send Text: each gap is at least Delay Between Messages', async () => {
		const result = await run(credentials(), sendText(pacing(400, 100)), { items: items() });
		expect(result.error).toBeUndefined();
		expect(sentTo()).toEqual(JIDS);
		for (const gap of gaps(server().requests)) expect(gap).toBeGreaterThanOrEqual(400);
		expect(result.items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2].map((item) => ({ item })),
		);
	});

	test('the random extra is added to the delay (a draw at the top of the range)', async () => {
		const random = jest.spyOn(Math, 'random').mockReturnValue(0.9999);
		try {
			await run(credentials(), sendText(pacing(100, 300)), { items: items(NUMBERS.slice(0, 2)) });
		} finally {
			random.mockRestore();
		}
		expect(sentTo()).toEqual(JIDS.slice(0, 2));
		expect(gaps(server().requests)[0]).toBeGreaterThanOrEqual(400);
	});

	test('Reply and Send Image are paced too; the values may come from the item', async () => {
		const reply = await run(
			credentials(),
			{
				resource: 'message',
				operation: 'reply',
				to: byId(ALICE),
				messageId: '3EB06A40C80DF456A1B2',
				text: '={{ $json.text }}',
				options: pacing('={{ $json.delay }}'),
			},
			{
				items: [{ json: { text: 'one', delay: 0 } }, { json: { text: 'two', delay: 300 } }],
			},
		);
		expect(reply.error).toBeUndefined();
		const image = await run(
			credentials(),
			{
				resource: 'message',
				operation: 'sendImage',
				to: byId('={{ $json.to }}'),
				mediaSource: 'base64',
				base64: PNG_BASE64,
				options: { ...pacing(300), mimeType: 'image/png' },
			},
			{ items: items(NUMBERS.slice(0, 2)) },
		);
		expect(image.error).toBeUndefined();
		const [replies, images] = [
			server().requests.filter((r) => r.path === '/api/messages/reply'),
			server().requests.filter((r) => r.path === '/api/messages/image'),
		];
		expect(replies.map((r) => (r.body as { text: string }).text)).toEqual(['one', 'two']);
		expect(gaps(replies)[0]).toBeGreaterThanOrEqual(300);
		expect(images.map((r) => r.status)).toEqual([200, 200]);
		expect(gaps(images)[0]).toBeGreaterThanOrEqual(300);
	});

	test('Continue On Fail: one item per input, in order, and the failed send still counts as a send', async () => {
		server().failNext({ status: 200, body: '{"queued":true,"msg_id":"AAAAAAAAAAAAAAAA"}' });
		server().failNext({ status: 500 });
		const input = [...items(), { json: { to: 'not-a-number' } }, { json: { to: '+15554444444' } }];
		const result = await run(credentials(), sendText(pacing(300)), {
			items: input,
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		const [first, failed, third, invalid, fifth] = result.items.map((item) => item.json);
		expect(first).toEqual({ queued: true, msg_id: 'AAAAAAAAAAAAAAAA' });
		expect(failed.error).toMatch(/Injected failure: HTTP 500/);
		for (const ok of [third, fifth])
			expect(ok).toEqual({ queued: true, msg_id: expect.any(String) });
		expect(invalid.error).toMatch(/Invalid To "not-a-number".*\(item 3\)/);
		// The invalid item was never sent, so it takes no turn: four requests, three gaps.
		expect(sentTo()).toEqual([...JIDS, '15554444444@s.whatsapp.net']);
		for (const gap of gaps(server().requests)) expect(gap).toBeGreaterThanOrEqual(300);
	});

	test('stopping the execution during a pause ends it at once: nothing more is sent', async () => {
		let stop = () => {};
		const running = run(credentials(), sendText(pacing(600_000)), {
			items: items(),
			onRunning: (cancel) => (stop = cancel),
		});
		while (server().requests.length === 0) await sleep(20);
		stop();
		// Without the abort the run would sleep for 10 minutes and the test would time out.
		await running;
		expect(sentTo()).toEqual(JIDS.slice(0, 1));
	});

	test('values left out of a saved workflow take their defaults (3000 ms + up to 2000 ms)', async () => {
		const result = await run(credentials(), sendText({ pacing: { values: {} } }), {
			items: items(NUMBERS.slice(0, 2)),
		});
		expect(result.error).toBeUndefined();
		expect(gaps(server().requests)[0]).toBeGreaterThanOrEqual(3000);
	});
});

describe('bad pacing values are refused before anything is sent, naming the field', () => {
	const cases: Array<[string, INodeParameters, RegExp]> = [
		['a negative delay', pacing(-1), /Invalid Delay Between Messages \(Milliseconds\) "-1"/],
		[
			'a delay over 10 minutes',
			pacing(MAX_PACING_MS + 1),
			/Invalid Delay Between Messages \(Milliseconds\) "600001"/,
		],
		['a fractional delay', pacing(2.5), /Invalid Delay Between Messages \(Milliseconds\) "2\.5"/],
		[
			'a word from an expression',
			pacing('={{ "soon" }}'),
			/Delay Between Messages \(Milliseconds\) "soon"/,
		],
		[
			'a negative random extra',
			pacing(1000, -200),
			/Invalid Random Extra Delay \(Milliseconds\) "-200"/,
		],
		[
			'a huge random extra',
			pacing(0, 1e9),
			/Invalid Random Extra Delay \(Milliseconds\) "1000000000"/,
		],
	];
	test.each(cases)('%s', async (_name, options, message) => {
		const result = await run(credentials(), sendText(options), { items: items() });
		expect(server().requests).toEqual([]);
		expect(result.items).toEqual([]);
		expect(result.error?.message).toMatch(message);
		expect(result.error?.message).toMatch(/\(item 0\)$/);
		expect(result.error?.description).toMatch(/whole number from 0 to 600000/);
	});

	test('a bad value on a later item stops the run before the first item is sent', async () => {
		const result = await run(credentials(), sendText(pacing('={{ $json.delay }}')), {
			items: [{ json: { to: ALICE, delay: 100 } }, { json: { to: ALICE, delay: -5 } }],
		});
		expect(server().requests).toEqual([]);
		expect(result.error?.message).toMatch(
			/Invalid Delay Between Messages \(Milliseconds\) "-5" \(item 1\)/,
		);
	});
});
