import type { INodeParameters } from 'n8n-workflow';

import { BOB, envelope, GROUP_JID, typeFixtures, type EnvelopeParams } from './fixtures';
import { useTrigger } from './helpers';

const { start } = useTrigger();

const IGNORED = { message: 'Message ignored by the filters' };

/** Posts each message to a trigger with these filters; true for each one that started. */
async function startsFor(filters: INodeParameters, messages: EnvelopeParams[]): Promise<boolean[]> {
	const trigger = await start({ filters });
	const started: boolean[] = [];
	for (const message of messages) {
		const call = await trigger.post(envelope(message));
		expect(call.status).toBe(200);
		expect(call.error).toBeUndefined();
		if (!call.started) expect(call.response).toEqual(IGNORED);
		started.push(call.started !== undefined);
	}
	return started;
}

const fixture = (name: string) => {
	const found = typeFixtures().find((candidate) => candidate.name === name);
	if (!found) throw new Error(name);
	return { message: found.message, messageBody: found.messageBody };
};

test('no filter: everything starts', async () => {
	expect(await startsFor({}, [{}, { group: GROUP_JID }, fixture('sticker')])).toEqual([
		true,
		true,
		true,
	]);
});

test('Ignore Group Messages', async () => {
	expect(
		await startsFor({ ignoreGroups: true }, [{ group: GROUP_JID }, {}, { from: BOB }]),
	).toEqual([false, true, true]);
});

test('Only These Senders, numbers in any format or JIDs, in chats and groups', async () => {
	expect(
		await startsFor({ senders: '+44 7700 900123, 4915112345678@s.whatsapp.net' }, [
			{ from: BOB },
			{ from: BOB, group: GROUP_JID },
			{ from: '4915112345678' },
			{},
			{ from: '33612345678', group: GROUP_JID },
		]),
	).toEqual([true, true, true, false, false]);
});

test('Only These Chats: a group and a person', async () => {
	expect(
		await startsFor({ chats: `${GROUP_JID}\n+1 555 123 4567` }, [
			{ group: GROUP_JID, from: BOB },
			{},
			{ from: BOB },
			{ group: '120363999999999999@g.us' },
		]),
	).toEqual([true, true, false, false]);
});

test('Message Types', async () => {
	expect(
		await startsFor({ messageTypes: ['image', 'audio', 'other'] }, [
			fixture('image with caption'),
			fixture('voice note (audio, ptt)'),
			fixture('poll (other)'),
			{},
			fixture('document with caption (documentWithCaptionMessage)'),
			fixture('sticker'),
		]),
	).toEqual([true, true, true, false, false, false]);
});

test('Text Contains (case-insensitive by default), also in captions', async () => {
	expect(
		await startsFor({ textContains: 'INVOICE' }, [
			{ messageBody: 'where is my invoice?' },
			fixture('document with caption (documentWithCaptionMessage)'),
			{ messageBody: 'hello' },
			fixture('sticker'),
		]),
	).toEqual([true, true, false, false]);
});

test('Text Contains with Ignore Case off', async () => {
	expect(
		await startsFor({ textContains: 'Invoice', ignoreCase: false }, [
			{ messageBody: 'Invoice please' },
			{ messageBody: 'invoice please' },
		]),
	).toEqual([true, false]);
});

test('Text Matches Regex', async () => {
	expect(
		await startsFor({ textRegex: '^order\\s+#?\\d+' }, [
			{ messageBody: 'Order #1234' },
			{ messageBody: 'order 77 please' },
			{ messageBody: 'my order #1234' },
		]),
	).toEqual([true, true, false]);
});

test('all filters together must all pass', async () => {
	expect(
		await startsFor(
			{ ignoreGroups: true, senders: BOB, messageTypes: ['text'], textContains: 'price' },
			[
				{ from: BOB, messageBody: 'price list?' },
				{ from: BOB, messageBody: 'price list?', group: GROUP_JID },
				{ from: BOB, messageBody: 'hello' },
				{ messageBody: 'price list?' },
				{ from: BOB, ...fixture('sticker') },
			],
		),
	).toEqual([true, false, false, false, false]);
});

test('filters are checked after the secret and the session', async () => {
	const trigger = await start({
		filters: { textContains: 'never matches' },
		options: { webhookSecret: 's3cret' },
	});
	expect((await trigger.post(envelope({}))).status).toBe(401);
	expect((await trigger.post(envelope({ sessionId: 9 }), { query: 'secret=s3cret' })).status).toBe(
		403,
	);
	const call = await trigger.post(envelope({}), { query: 'secret=s3cret' });
	expect(call.status).toBe(200);
	expect(call.response).toEqual(IGNORED);
});

test('a filter made invalid after activation fails the request visibly, as n8n shows it', async () => {
	const trigger = await start();
	trigger.configure({ filters: { textRegex: '(' } });
	const call = await trigger.post(envelope({}));
	expect(call.status).toBe(500);
	expect(call.error?.message).toBe('The filters of the Wappfly Trigger are not valid');
	expect(call.started).toBeUndefined();
});
