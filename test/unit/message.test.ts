import {
	compileFilters,
	filterOut,
	longToNumber,
	mediaReference,
	messageContent,
	readEnvelope,
	readReceivedMessage,
	type MessageFilterInput,
	type SimplifiedMessage,
} from '../../nodes/shared/message';
import {
	BOB,
	clone,
	envelope,
	GROUP_JID,
	loose,
	type Json,
	REFERENCE_ENVELOPE,
	typeFixtures,
} from '../trigger/fixtures';

function simplify(body: unknown): SimplifiedMessage {
	const read = readEnvelope(body);
	if (!read.ok) throw new Error(read.reason);
	const message = readReceivedMessage(read.envelope);
	if (!message.ok) throw new Error(message.reason);
	return message.message.simplified;
}

describe('readEnvelope', () => {
	test('reads the reference envelope, its event and its session id', () => {
		const read = readEnvelope(clone(REFERENCE_ENVELOPE));
		expect(read).toEqual({
			ok: true,
			envelope: REFERENCE_ENVELOPE,
			event: 'messages.received',
			sessionId: '8',
		});
	});

	test('parses a JSON string body (sent as text/plain)', () => {
		const read = readEnvelope(JSON.stringify(REFERENCE_ENVELOPE));
		expect(read.ok && read.event).toBe('messages.received');
	});

	test.each<[string, unknown, string]>([
		['undefined', undefined, 'the body is not a JSON object'],
		['null', null, 'the body is not a JSON object'],
		['a number', 42, 'the body is not a JSON object'],
		['an array', [REFERENCE_ENVELOPE], 'the body is not a JSON object'],
		['text that is not JSON', '{"event":', 'the body is not JSON'],
		['an object without event', { data: {} }, 'the body has no "event"'],
		['an empty event', { event: '  ' }, 'the body has no "event"'],
		['a numeric event', { event: 3 }, 'the body has no "event"'],
	])('refuses %s', (_name, body, reason) => {
		expect(readEnvelope(body)).toEqual({ ok: false, reason });
	});

	test('a session id that is missing, empty or not a scalar is undefined', () => {
		for (const session of [undefined, {}, { id: '' }, { id: { x: 1 } }, { id: Number.NaN }, 'x']) {
			const read = readEnvelope({ event: 'messages.received', session });
			expect(read.ok && read.sessionId).toBeUndefined();
		}
		const read = readEnvelope({ event: 'messages.received', session: { id: ' 8 ' } });
		expect(read.ok && read.sessionId).toBe('8');
	});
});

describe('readReceivedMessage', () => {
	test('the reference envelope becomes the documented flat item', () => {
		expect(simplify(clone(REFERENCE_ENVELOPE))).toEqual({
			messageId: '3EB06A40C80DF456A1B2',
			chatJid: '15551234567@s.whatsapp.net',
			isGroup: false,
			from: '15551234567',
			fromJid: '15551234567@s.whatsapp.net',
			senderName: 'Alice',
			type: 'text',
			text: 'merhaba',
			mimeType: null,
			fileName: null,
			quotedMessageId: null,
			timestamp: new Date(1779285895 * 1000).toISOString(),
			sessionId: 8,
		});
	});

	test.each(typeFixtures().map((fixture) => [fixture.name, fixture] as const))(
		'%s',
		(_name, fixture) => {
			const item = simplify(
				envelope({ message: fixture.message, messageBody: fixture.messageBody }),
			);
			expect(item.type).toBe(fixture.type);
			expect(messageContent(fixture.message).type).toBe(fixture.type);
			expect(item).toMatchObject(fixture.expect);
			expect(item.messageId).toBe('3EB06A40C80DF456A1B2');
			const media = mediaReference(fixture.message);
			expect(media?.kind).toBe(fixture.media);
			if (fixture.media) expect(item.fileSize).toBe(24811);
		},
	);

	test('a group message: the chat is the group, the sender its participant', () => {
		const item = simplify(envelope({ group: GROUP_JID, from: BOB, pushName: 'Bob' }));
		expect(item).toMatchObject({
			chatJid: GROUP_JID,
			isGroup: true,
			from: BOB,
			fromJid: `${BOB}@s.whatsapp.net`,
			senderName: 'Bob',
		});
	});

	test('LID addressing: the phone-number JID is used for the sender and the chat', () => {
		const body = loose(REFERENCE_ENVELOPE);
		body.data.messages.key = {
			id: 'AC1',
			fromMe: false,
			remoteJid: '265777475281011@lid',
			addressingMode: 'lid',
			senderPn: '15551234567:12@s.whatsapp.net',
			senderLid: '265777475281011@lid',
		} as never;
		expect(simplify(body)).toMatchObject({
			chatJid: '15551234567@s.whatsapp.net',
			from: '15551234567',
			fromJid: '15551234567@s.whatsapp.net',
		});
	});

	test('a sender known only by LID has no phone number', () => {
		const body = loose(REFERENCE_ENVELOPE);
		body.data.messages.key = { id: 'AC2', remoteJid: GROUP_JID, participant: '2657@lid' } as never;
		expect(simplify(body)).toMatchObject({ from: null, fromJid: '2657@lid', isGroup: true });
	});

	test('timestamps: a Long, a numeric string, milliseconds, or the envelope timestamp', () => {
		const at = (messageTimestamp: unknown, timestamp: unknown = 1779285900) => {
			const body = loose(REFERENCE_ENVELOPE);
			body.data.messages.messageTimestamp = messageTimestamp as never;
			body.timestamp = timestamp as never;
			return simplify(body).timestamp;
		};
		const iso = new Date(1779285895000).toISOString();
		expect(at({ low: 1779285895, high: 0, unsigned: false })).toBe(iso);
		expect(at('1779285895')).toBe(iso);
		expect(at(1779285895000)).toBe(iso);
		expect(at(undefined)).toBe(new Date(1779285900000).toISOString());
		expect(at('soon', 'later')).toBeNull();
		expect(longToNumber({ low: -1, high: 0 })).toBe(4294967295);
	});

	test('a message without a recognised content but with messageBody counts as text', () => {
		const item = simplify(envelope({ message: {}, messageBody: 'hello' }));
		expect(item).toMatchObject({ type: 'text', text: 'hello' });
		expect(simplify(envelope({ message: {}, messageBody: null })).type).toBe('other');
	});

	test.each<[string, (body: Json) => void, string]>([
		['no data', (b) => delete b.data, 'the body has no "data" object'],
		[
			'data.messages an array',
			(b) => (b.data.messages = [b.data.messages] as never),
			'the body has no "data.messages" object',
		],
		['no key', (b) => delete b.data.messages.key, 'the body has no "data.messages.key"'],
		[
			'key a string',
			(b) => (b.data.messages.key = 'x' as never),
			'the body has no "data.messages.key"',
		],
		['no key.id', (b) => delete b.data.messages.key.id, 'the body has no "data.messages.key.id"'],
		[
			'numeric key.id',
			(b) => (b.data.messages.key.id = 7 as never),
			'the body has no "data.messages.key.id"',
		],
	])('refuses a body with %s', (_name, mutate, reason) => {
		const body = loose(REFERENCE_ENVELOPE);
		mutate(body);
		expect(readReceivedMessage(body)).toEqual({ ok: false, reason });
	});
});

describe('filters', () => {
	const base = simplify(clone(REFERENCE_ENVELOPE));
	const compile = (input: MessageFilterInput) => {
		const result = compileFilters(input);
		if (!result.ok) throw new Error(result.problems.join('; '));
		return result.filters;
	};

	test('no filter lets everything through', () => {
		expect(filterOut(base, compile({}))).toBeUndefined();
	});

	test('Ignore Group Messages', () => {
		const group = simplify(envelope({ group: GROUP_JID }));
		expect(filterOut(group, compile({ ignoreGroups: true }))).toBe('group message');
		expect(filterOut(base, compile({ ignoreGroups: true }))).toBeUndefined();
	});

	test('Only These Senders accepts numbers in any format and JIDs', () => {
		const filters = compile({
			senders: '+1 (555) 123-4567\n 0044 7700 900123 ; 4915112345678@s.whatsapp.net',
		});
		expect([...filters.senders!]).toEqual(['15551234567', '447700900123', '4915112345678']);
		expect(filterOut(base, filters)).toBeUndefined();
		expect(
			filterOut(simplify(envelope({ from: '4915112345678', group: GROUP_JID })), filters),
		).toBeUndefined();
		expect(filterOut(simplify(envelope({ from: '33612345678' })), filters)).toBe(
			'sender not in Only These Senders',
		);
	});

	test('Only These Chats matches people and groups', () => {
		const filters = compile({ chats: `${GROUP_JID}, +44 7700 900123` });
		expect(filterOut(simplify(envelope({ group: GROUP_JID })), filters)).toBeUndefined();
		expect(filterOut(simplify(envelope({ from: BOB })), filters)).toBeUndefined();
		expect(filterOut(base, filters)).toBe('chat not in Only These Chats');
	});

	test('Message Types', () => {
		const filters = compile({ messageTypes: ['image', 'audio'] });
		expect(filterOut(base, filters)).toBe('message type not selected');
		const image = simplify(envelope({ message: typeFixtures()[2].message }));
		expect(filterOut(image, filters)).toBeUndefined();
	});

	test('Text Contains, case-insensitive by default', () => {
		expect(filterOut(base, compile({ textContains: 'MERHABA' }))).toBeUndefined();
		expect(filterOut(base, compile({ textContains: 'MERHABA', ignoreCase: false }))).toBe(
			'text does not contain the filter text',
		);
		expect(filterOut(base, compile({ textContains: 'hello' }))).toBe(
			'text does not contain the filter text',
		);
		const noText = simplify(envelope({ message: { stickerMessage: {} }, messageBody: null }));
		expect(filterOut(noText, compile({ textContains: 'a' }))).toBe(
			'text does not contain the filter text',
		);
	});

	test('Text Matches Regex, bare or /pattern/flags', () => {
		const order = simplify(envelope({ messageBody: 'Order #123 please' }));
		expect(filterOut(order, compile({ textRegex: 'order\\s+#?\\d+' }))).toBeUndefined();
		expect(filterOut(order, compile({ textRegex: 'order\\s+#?\\d+', ignoreCase: false }))).toBe(
			'text does not match the regular expression',
		);
		expect(filterOut(order, compile({ textRegex: '/^ORDER/', ignoreCase: false }))).toBe(
			'text does not match the regular expression',
		);
		expect(
			filterOut(order, compile({ textRegex: '/^ORDER/i', ignoreCase: false })),
		).toBeUndefined();
		// A global flag would make test() stateful: it is dropped.
		const global = compile({ textRegex: '/order/g' });
		expect(filterOut(order, global)).toBeUndefined();
		expect(filterOut(order, global)).toBeUndefined();
	});

	test('every filter must pass', () => {
		const filters = compile({
			senders: '15551234567',
			textContains: 'merhaba',
			messageTypes: ['text'],
		});
		expect(filterOut(base, filters)).toBeUndefined();
		expect(filterOut(simplify(envelope({ messageBody: 'selam' })), filters)).toBe(
			'text does not contain the filter text',
		);
	});

	test('invalid filters are reported, each with the entry at fault', () => {
		const result = compileFilters({
			senders: '12, 120363025246125244@g.us, 1234567890@lid',
			chats: 'abc',
			messageTypes: ['gif'],
			textRegex: '(unclosed',
		});
		expect(result.ok).toBe(false);
		const problems = result.ok ? [] : result.problems;
		expect(problems).toEqual([
			expect.stringContaining('Only These Senders: "12" is not a phone number or JID'),
			'Only These Senders: "120363025246125244@g.us" is a group; put it in Only These Chats',
			expect.stringContaining(
				'Only These Senders: "1234567890@lid" is not a phone number or JID (LID',
			),
			expect.stringContaining('Only These Chats: "abc"'),
			'Message Types: unknown type gif',
			expect.stringContaining('Text Matches Regex: "(unclosed" is not a valid regular expression'),
		]);
	});
});
