/**
 * The shaping of `GET /api/messages/recent` rows (nodes/shared/message.ts) and the Wappfly
 * Polling Trigger's cursor and gap rules (nodes/WappflyPollingTrigger/poll.ts), as pure functions.
 */
import {
	compileFilters,
	filterOut,
	readEnvelope,
	readReceivedMessage,
	readRecentMessage,
	type PolledMessage,
	type SimplifiedMessage,
} from '../../nodes/shared/message';
import { PAGE_SIZE, planPoll, readRecentPage } from '../../nodes/WappflyPollingTrigger/poll';
import { envelope, GROUP_JID, REFERENCE_ENVELOPE, typeFixtures } from '../trigger/fixtures';

/** The reference's two example rows of /api/messages/recent, verbatim. */
const REFERENCE_ROWS = [
	{
		id: 122,
		chat_jid: '15551234567@s.whatsapp.net',
		msg_id: 'BD9043CF84A700B5',
		from_me: 1,
		sender_jid: null,
		type: 'text',
		body: 'Hello from Wappfly',
		timestamp: '2026-05-20 17:19:21',
		status: 'delivery_ack',
	},
	{
		id: 121,
		chat_jid: '15551234567@s.whatsapp.net',
		msg_id: '3EB06A40C80DF456A1B2',
		from_me: 0,
		sender_jid: '15551234567@s.whatsapp.net',
		type: 'text',
		body: 'merhaba',
		timestamp: '2026-05-20 17:19:18',
		status: 'received',
	},
];

function polled(row: unknown): PolledMessage {
	const read = readRecentMessage(row);
	if (!read.ok) throw new Error(read.reason);
	return read.message;
}

function webhookItem(body: unknown): SimplifiedMessage {
	const read = readEnvelope(body);
	if (!read.ok) throw new Error(read.reason);
	const message = readReceivedMessage(read.envelope);
	if (!message.ok) throw new Error(message.reason);
	return message.message.simplified;
}

function row(id: number, fields: Record<string, unknown> = {}) {
	return {
		id,
		chat_jid: '15551234567@s.whatsapp.net',
		msg_id: `MSG${id}`,
		from_me: 0,
		sender_jid: '15551234567@s.whatsapp.net',
		type: 'text',
		body: `message ${id}`,
		timestamp: '2026-05-20 17:19:18',
		status: 'received',
		...fields,
	};
}

describe('readRecentMessage', () => {
	test("shapes the reference's inbound row like the webhook trigger's item", () => {
		expect(polled(REFERENCE_ROWS[1])).toEqual({
			messageId: '3EB06A40C80DF456A1B2',
			chatJid: '15551234567@s.whatsapp.net',
			isGroup: false,
			from: '15551234567',
			fromJid: '15551234567@s.whatsapp.net',
			senderName: null,
			type: 'text',
			text: 'merhaba',
			mimeType: null,
			fileName: null,
			quotedMessageId: null,
			timestamp: '2026-05-20T17:19:18.000Z',
			sessionId: null,
			id: 121,
			status: 'received',
			fromMe: false,
		});
	});

	test("the line's own message has no sender (the row does not name the line)", () => {
		expect(polled(REFERENCE_ROWS[0])).toMatchObject({
			messageId: 'BD9043CF84A700B5',
			chatJid: '15551234567@s.whatsapp.net',
			from: null,
			fromJid: null,
			fromMe: true,
			status: 'delivery_ack',
			id: 122,
		});
	});

	test('the same message through either trigger: same fields, same values where both know them', () => {
		const fromWebhook = webhookItem(REFERENCE_ENVELOPE);
		const fromPoll = polled(REFERENCE_ROWS[1]);
		const { id, status, fromMe, ...shared } = fromPoll;
		expect([id, status, fromMe]).toEqual([121, 'received', false]);
		expect(Object.keys(shared).sort()).toEqual(Object.keys(fromWebhook).sort());
		for (const field of ['messageId', 'chatJid', 'isGroup', 'from', 'fromJid', 'type', 'text']) {
			expect([field, shared[field]]).toEqual([field, fromWebhook[field]]);
		}
		// What a row does not carry is null, never missing.
		expect([shared.senderName, shared.sessionId, shared.quotedMessageId]).toEqual([
			null,
			null,
			null,
		]);
	});

	test.each(typeFixtures().map((fixture) => [fixture.name, fixture] as const))(
		'%s: every field of the webhook item exists in the polled item',
		(_name, fixture) => {
			const fromWebhook = webhookItem(
				envelope({ message: fixture.message, messageBody: fixture.messageBody }),
			);
			const fromPoll = polled(row(7, { type: fixture.type, body: fixture.messageBody }));
			expect(fromPoll.type).toBe(fixture.type);
			// fileSize comes only with a file's details, which rows do not have.
			const missing = Object.keys(fromWebhook).filter(
				(key) => key !== 'fileSize' && !(key in fromPoll),
			);
			expect(missing).toEqual([]);
		},
	);

	test('a group message: the chat is the group, the sender the member who wrote', () => {
		expect(
			polled(row(118, { chat_jid: GROUP_JID, sender_jid: '905451552424@s.whatsapp.net' })),
		).toMatchObject({
			chatJid: GROUP_JID,
			isGroup: true,
			from: '905451552424',
			fromJid: '905451552424@s.whatsapp.net',
		});
	});

	test('device suffixes are removed; a missing sender in a one-to-one chat is the chat', () => {
		expect(
			polled(row(1, { chat_jid: '15551234567:33@s.whatsapp.net', sender_jid: null })),
		).toMatchObject({
			chatJid: '15551234567@s.whatsapp.net',
			from: '15551234567',
			fromJid: '15551234567@s.whatsapp.net',
		});
	});

	test.each<[string, unknown, string | null]>([
		['the API format (UTC)', '2026-05-20 17:19:21', '2026-05-20T17:19:21.000Z'],
		['ISO 8601 with Z', '2026-05-20T17:19:21Z', '2026-05-20T17:19:21.000Z'],
		['ISO 8601 with an offset', '2026-05-20T19:19:21+02:00', '2026-05-20T17:19:21.000Z'],
		['Unix seconds', 1779297561, '2026-05-20T17:19:21.000Z'],
		['text that is not a time', 'yesterday', null],
		['null', null, null],
	])('timestamp as %s', (_name, timestamp, iso) => {
		expect(polled(row(1, { timestamp })).timestamp).toBe(iso);
	});

	test.each<[string, unknown, Record<string, unknown>]>([
		['an unknown type', 'revoked', { type: 'other' }],
		['an upper-case type', 'IMAGE', { type: 'image' }],
		['a location', 'location', { type: 'location', latitude: null, longitude: null }],
		['a reaction', 'reaction', { type: 'reaction', reactedMessageId: null }],
		['an audio', 'audio', { type: 'audio', isVoiceNote: null }],
	])('%s', (_name, type, expected) => {
		expect(polled(row(1, { type }))).toMatchObject(expected);
	});

	test('from_me as a boolean or as text, the id as digits, an empty body as null', () => {
		expect(polled(row(5, { from_me: true })).fromMe).toBe(true);
		expect(polled(row(5, { from_me: '1' })).fromMe).toBe(true);
		expect(polled(row(5, { from_me: false })).fromMe).toBe(false);
		expect(polled(row('42' as never)).id).toBe(42);
		expect(polled(row(5, { body: '  ' })).text).toBeNull();
	});

	test.each<[string, unknown, string]>([
		['not an object', 'row', 'the row is not a JSON object'],
		['null', null, 'the row is not a JSON object'],
		['no id', { ...row(1), id: undefined }, 'the row has no positive integer "id"'],
		['a zero id', row(0), 'the row has no positive integer "id"'],
		['a fractional id', row(1.5), 'the row has no positive integer "id"'],
		['no msg_id', { ...row(9), msg_id: '' }, 'the row 9 has no "msg_id"'],
	])('refuses a row that is %s', (_name, value, reason) => {
		expect(readRecentMessage(value)).toEqual({ ok: false, reason });
	});

	test("the webhook trigger's filters apply to polled items unchanged", () => {
		const compiled = compileFilters({
			ignoreGroups: true,
			chats: '+1 555 123 4567',
			messageTypes: ['text'],
		});
		if (!compiled.ok) throw new Error(compiled.problems.join());
		expect(filterOut(polled(row(1)), compiled.filters)).toBeUndefined();
		expect(filterOut(polled(row(1, { chat_jid: GROUP_JID })), compiled.filters)).toBe(
			'group message',
		);
		expect(
			filterOut(polled(row(1, { chat_jid: '447700900123@s.whatsapp.net' })), compiled.filters),
		).toBe('chat not in Only These Chats');
		expect(filterOut(polled(row(1, { type: 'image' })), compiled.filters)).toBe(
			'message type not selected',
		);
	});
});

describe('readRecentPage', () => {
	test('reads every row, counts them all and says why some could not be read', () => {
		const page = readRecentPage([row(3), { id: 'x' }, row(2)]);
		expect(page?.rows).toBe(3);
		expect(page?.messages.map((m) => m.id)).toEqual([3, 2]);
		expect(page?.problems).toEqual(['the row has no positive integer "id"']);
	});

	test.each([[{ error: 'x' }], ['[]'], [null]])('is undefined for %j', (body) => {
		expect(readRecentPage(body)).toBeUndefined();
	});
});

describe('planPoll', () => {
	/** A page as the API gives it: newest first. */
	const page = (...ids: number[]) => readRecentPage(ids.map((id) => row(id)))!;
	const full = (newest: number) =>
		page(...Array.from({ length: PAGE_SIZE }, (_, index) => newest - index));

	test('without a cursor: nothing is emitted, the cursor starts at the newest message', () => {
		expect(planPoll(page(122, 121, 120), undefined)).toEqual({
			fresh: [],
			cursor: 122,
			baseline: true,
		});
	});

	test('without a cursor on a line with no messages: the cursor starts at 0', () => {
		expect(planPoll(page(), undefined)).toEqual({ fresh: [], cursor: 0, baseline: true });
	});

	test('emits the messages above the cursor, oldest first, and moves the cursor', () => {
		const plan = planPoll(page(130, 128, 129, 127, 126), 127);
		expect(plan.fresh.map((m) => m.id)).toEqual([128, 129, 130]);
		expect(plan).toMatchObject({ cursor: 130 });
		expect(plan.gap).toBeUndefined();
	});

	test('nothing new: nothing emitted, the cursor stays', () => {
		expect(planPoll(page(127, 126), 127)).toEqual({ fresh: [], cursor: 127 });
		expect(planPoll(page(), 127)).toEqual({ fresh: [], cursor: 127 });
	});

	test('a message listed twice is emitted once', () => {
		expect(planPoll(page(129, 128, 128), 127).fresh.map((m) => m.id)).toEqual([128, 129]);
	});

	test('a full page entirely above the cursor is a possible gap', () => {
		const plan = planPoll(full(300), 150);
		expect(plan.fresh).toHaveLength(PAGE_SIZE);
		expect(plan.gap).toEqual({ afterId: 150, beforeId: 201 });
		expect(plan.cursor).toBe(300);
	});

	test('a full page that still shows the cursor is no gap', () => {
		expect(planPoll(full(300), 201).gap).toBeUndefined();
		expect(planPoll(full(300), 200).gap).toBeUndefined();
	});

	test('a page that is not full holds every message of the line: no gap', () => {
		expect(planPoll(page(12, 11, 10), 0).gap).toBeUndefined();
		expect(planPoll(page(12, 11, 10), 0).fresh).toHaveLength(3);
	});

	test('a newest message below the cursor: the cursor comes back to it, nothing is emitted', () => {
		expect(planPoll(page(90, 89), 127)).toEqual({
			fresh: [],
			cursor: 90,
			rewound: { from: 127, to: 90 },
		});
	});
});
