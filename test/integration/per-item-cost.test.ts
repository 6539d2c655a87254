/**
 * What the node does per item, counted rather than timed (the figures are `npm run bench`'s):
 * the credential is read once per execution, not once per item, and each parameter is
 * evaluated once per item.
 */
import { ExecuteContext } from 'n8n-core';

import { byId, run, useWappflyServer } from '../harness/fixtures';

const { server, credentials } = useWappflyServer();

const recipients = ['+15551111111', '+15552222222', '+15553333333', '+15554444444', '+15555555555'];
const items = recipients.map((to, index) => ({ json: { to, text: `Hello #${index}` } }));
const sendText = {
	resource: 'message',
	operation: 'sendText',
	to: byId('={{ $json.to }}'),
	text: '={{ $json.text }}',
};

/** Counts, by name, the parameters the Wappfly node evaluates during `action`. */
async function countParameterReads<T>(action: () => Promise<T>) {
	const prototype = ExecuteContext.prototype as unknown as {
		_getNodeParameter: (name: string, ...rest: unknown[]) => unknown;
	};
	const spy = jest.spyOn(prototype, '_getNodeParameter');
	try {
		const result = await action();
		const counts: Record<string, number> = {};
		for (const [name] of spy.mock.calls) counts[name] = (counts[name] ?? 0) + 1;
		return { result, counts };
	} finally {
		spy.mockRestore();
	}
}

test('5 sends read the credential once, and every request still carries the token', async () => {
	const result = await run(credentials(), sendText, { items });
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(5);
	expect(result.credentialReads).toBe(1);
	expect(server().requests).toHaveLength(5);
	for (const request of server().requests) {
		expect(request.status).toBe(200);
		expect(request.headers['x-api-token']).toBe(server().token);
	}
});

test('a node stopped by validation reads no credential and sends nothing', async () => {
	const result = await run(credentials(), sendText, {
		items: [...items, { json: { to: 'not-a-number', text: 'x' } }],
	});
	expect(result.error?.message).toMatch(/Invalid To "not-a-number".*\(item 5\)/);
	expect(result.credentialReads).toBe(0);
	expect(server().requests).toHaveLength(0);
});

test('with Continue On Fail, one credential read serves the items that are sent', async () => {
	const result = await run(credentials(), sendText, {
		items: [items[0], { json: { to: 'not-a-number', text: 'x' } }, items[2]],
		continueOnFail: true,
	});
	expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
	expect(result.items[1].json.error).toMatch(/Invalid To/);
	expect(result.credentialReads).toBe(1);
	expect(server().requests).toHaveLength(2);
});

test('each parameter is evaluated once per item; resource and operation once per execution', async () => {
	const one = await countParameterReads(() => run(credentials(), sendText, { items: [items[0]] }));
	const five = await countParameterReads(() => run(credentials(), sendText, { items }));
	expect(one.result.error).toBeUndefined();
	expect(five.result.error).toBeUndefined();
	// What four more items add: one evaluation of each of their own fields, nothing else.
	const added = Object.fromEntries(
		Object.keys(five.counts).map((name) => [name, five.counts[name] - (one.counts[name] ?? 0)]),
	);
	expect(added).toEqual({ resource: 0, operation: 0, to: 4, text: 4, options: 4 });
	expect(one.counts).toMatchObject({ to: 1, text: 1, options: 1 });
});

test('a media send evaluates each of its fields once per item, Media Source included', async () => {
	const pdf = Buffer.from('%PDF-1.4\n%per-item-cost\n').toString('base64');
	const sendDocument = {
		resource: 'message',
		operation: 'sendDocument',
		to: byId('={{ $json.to }}'),
		mediaSource: 'base64',
		base64: `={{ "${pdf}" }}`,
		options: { fileName: 'invoice.pdf' },
	};
	const one = await countParameterReads(() =>
		run(credentials(), sendDocument, { items: [items[0]] }),
	);
	const five = await countParameterReads(() => run(credentials(), sendDocument, { items }));
	expect(one.result.error).toBeUndefined();
	expect(five.result.error).toBeUndefined();
	expect(server().requests.filter((request) => request.status === 200)).toHaveLength(6);
	const added = Object.fromEntries(
		Object.keys(five.counts).map((name) => [name, five.counts[name] - (one.counts[name] ?? 0)]),
	);
	expect(added).toEqual({
		resource: 0,
		operation: 0,
		to: 4,
		mediaSource: 4,
		base64: 4,
		options: 4,
	});
	expect(one.counts).toMatchObject({ to: 1, mediaSource: 1, base64: 1, options: 1 });
});
