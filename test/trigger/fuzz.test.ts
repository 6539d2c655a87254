import { MESSAGE_TYPES } from '../../nodes/shared/message';
import type { WebhookCall } from '../harness/webhook';
import { clone, REFERENCE_ENVELOPE, seededRandom, type Json } from './fixtures';
import { useTrigger } from './helpers';

const { start } = useTrigger();

const SEED = 20261125;
const SECRET = 'fuzz-secret';

function generator(seed: number) {
	const random = seededRandom(seed);
	const int = (below: number) => Math.floor(random() * below);
	const pick = <T>(values: readonly T[]): T => values[int(values.length)];
	const CHARS = [
		'a',
		'Z',
		'0',
		' ',
		'"',
		'\\',
		'{',
		'}',
		'[',
		']',
		':',
		',',
		'\u0000',
		'é',
		'😀',
		'\n',
		'@',
		'.',
		'=',
		'&',
	];
	const string = (max = 24) => Array.from({ length: int(max) }, () => pick(CHARS)).join('');
	const json = (depth = 3): unknown => {
		switch (int(depth > 0 ? 9 : 6)) {
			case 0:
				return null;
			case 1:
				return random() < 0.5;
			case 2:
				return pick([0, -1, 8, 1.5, 1e308, -0, 2 ** 53 + 1]);
			case 3:
				return string();
			case 4:
				return pick(['', 'messages.received', '8', '[]', '{}', 'null']);
			case 5:
				return int(2) ? [] : {};
			case 6:
				return Array.from({ length: int(4) }, () => json(depth - 1));
			default:
				return Object.fromEntries(
					Array.from({ length: int(5) }, () => [
						pick(['event', 'session', 'data', 'messages', 'key', 'id', 'message', string(8)]),
						json(depth - 1),
					]),
				);
		}
	};
	const bytes = () => Buffer.from(Array.from({ length: int(512) }, () => int(256)));
	return { random, int, pick, string, json, bytes };
}

type Body = { body: unknown; contentType: string | null };

/** Paths that are not needed for a valid message: mutated freely before a breaking mutation. */
const OPTIONAL_PATHS = [
	['timestamp'],
	['data', 'messages', 'message'],
	['data', 'messages', 'messageBody'],
	['data', 'messages', 'pushName'],
	['data', 'messages', 'messageTimestamp'],
	['data', 'messages', 'key', 'remoteJid'],
	['data', 'messages', 'key', 'senderPn'],
	['data', 'messages', 'key', 'cleanedSenderPn'],
	['data', 'messages', 'key', 'participant'],
];

function set(target: Json, path: string[], value: unknown): void {
	let node = target;
	for (const key of path.slice(0, -1)) {
		if (typeof node[key] !== 'object' || node[key] === null) return;
		node = node[key];
	}
	node[path[path.length - 1]] = value as never;
}

function malformedBodies(count: number): Array<Body & { kind: string }> {
	const g = generator(SEED);
	const nonObject = () => g.pick([null, 0, 'x', true, [], [1, 2]] as unknown[]);
	const breaking: Array<[string, (body: Json) => void]> = [
		['no data', (b) => delete b.data],
		['data not an object', (b) => set(b, ['data'], nonObject())],
		['no data.messages', (b) => delete b.data.messages],
		['data.messages not an object', (b) => set(b, ['data', 'messages'], nonObject())],
		['no key', (b) => delete b.data.messages.key],
		['key not an object', (b) => set(b, ['data', 'messages', 'key'], nonObject())],
		['no key.id', (b) => delete b.data.messages.key.id],
		[
			'key.id not a string',
			(b) => set(b, ['data', 'messages', 'key', 'id'], g.pick([null, 7, [], {}, '', '  '])),
		],
		['no event', (b) => delete b.event],
		['event not a string', (b) => set(b, ['event'], g.pick([null, 7, [], {}]))],
	];
	const bodies: Array<Body & { kind: string }> = [];
	for (let index = 0; index < count; index++) {
		switch (index % 5) {
			case 0:
				bodies.push({
					kind: 'random bytes',
					body: g.bytes(),
					contentType: g.pick([
						'application/json',
						'text/plain',
						'application/octet-stream',
						null,
						'application/x-www-form-urlencoded',
						'image/png',
					]),
				});
				break;
			case 1:
				bodies.push({
					kind: 'random JSON',
					body: JSON.stringify(g.json(4)),
					contentType: 'application/json',
				});
				break;
			case 2: {
				const body = clone(REFERENCE_ENVELOPE) as unknown as Json;
				for (let extra = g.int(4); extra > 0; extra--) set(body, g.pick(OPTIONAL_PATHS), g.json(2));
				const [name, mutate] = g.pick(breaking);
				mutate(body);
				bodies.push({
					kind: `envelope with ${name}`,
					body: JSON.stringify(body),
					contentType: 'application/json',
				});
				break;
			}
			case 3: {
				const text = JSON.stringify(REFERENCE_ENVELOPE);
				bodies.push({
					kind: 'truncated envelope',
					body: text.slice(0, 1 + g.int(text.length - 2)),
					contentType: g.pick(['application/json', 'text/plain']),
				});
				break;
			}
			default: {
				const body = clone(REFERENCE_ENVELOPE) as unknown as Json;
				for (let extra = g.int(3); extra > 0; extra--) set(body, g.pick(OPTIONAL_PATHS), g.json(2));
				if (g.random() < 0.5) set(body, ['event'], `messages.${g.string(10)}x`);
				else
					set(
						body,
						['session'],
						g.pick([{ id: 9 }, { id: '80' }, {}, null, 'x', { id: g.json(1) }]),
					);
				bodies.push({
					kind: 'unknown event or other session',
					body: JSON.stringify(body),
					contentType: 'application/json',
				});
			}
		}
	}
	return bodies;
}

const ALLOWED: Record<string, number[]> = {
	'random bytes': [400, 403, 422],
	'random JSON': [400, 403],
	'truncated envelope': [400, 422],
	'unknown event or other session': [200, 403],
};

function expectNothingStarted(call: WebhookCall, kind: string): void {
	const context = `${kind}: ${call.responseText}`;
	expect({ context, error: call.error?.message }).toEqual({ context, error: undefined });
	expect({ context, started: call.started }).toEqual({ context, started: undefined });
	const allowed = ALLOWED[kind] ?? [400];
	expect({ context, status: allowed.includes(call.status) }).toEqual({ context, status: true });
	// Answered on purpose: by the node, or by n8n's body parser for JSON that does not parse.
	expect({ context, answered: call.nodeAnswered || call.status === 422 }).toEqual({
		context,
		answered: true,
	});
}

test('200 seeded malformed or random bodies: nothing starts, nothing throws', async () => {
	const plain = await start();
	const configured = await start({
		simplify: false,
		events: ['messages.received'],
		filters: { ignoreGroups: true, textContains: 'a', senders: '15551234567' },
		options: { downloadMedia: true, webhookSecret: SECRET },
	});
	const bodies = malformedBodies(200);
	expect(new Set(bodies.map((body) => body.kind)).size).toBeGreaterThan(10);
	for (const [index, { body, contentType, kind }] of bodies.entries()) {
		const trigger = index % 2 ? configured : plain;
		const call = await trigger.post(body, { contentType, query: `secret=${SECRET}` });
		expectNothingStarted(call, kind);
	}
	// Both still work afterwards.
	expect((await plain.post(REFERENCE_ENVELOPE)).started).toHaveLength(1);
	expect(
		(await configured.post(REFERENCE_ENVELOPE, { query: `secret=${SECRET}` })).started,
	).toHaveLength(1);
});

test('100 seeded random Baileys messages in a valid envelope: one well-formed item each', async () => {
	const g = generator(SEED + 1);
	const trigger = await start();
	const CONTENT_KEYS = [
		'conversation',
		'extendedTextMessage',
		'imageMessage',
		'videoMessage',
		'audioMessage',
		'documentMessage',
		'stickerMessage',
		'locationMessage',
		'contactMessage',
		'reactionMessage',
		'ephemeralMessage',
		'viewOnceMessageV2',
		'documentWithCaptionMessage',
		'protocolMessage',
		'messageContextInfo',
	];
	for (let index = 0; index < 100; index++) {
		const body = clone(REFERENCE_ENVELOPE) as unknown as Json;
		const message = Object.fromEntries(
			Array.from({ length: 1 + g.int(3) }, () => [g.pick(CONTENT_KEYS), g.json(3)]),
		);
		set(body, ['data', 'messages', 'message'], message);
		set(body, ['data', 'messages', 'messageBody'], g.pick([null, 'hi', g.json(1)]));
		set(body, ['data', 'messages', 'pushName'], g.json(1));
		set(body, ['data', 'messages', 'messageTimestamp'], g.json(1));
		const call = await trigger.post(body);
		const context = JSON.stringify(message).slice(0, 300);
		expect({ context, status: call.status, error: call.error }).toEqual({
			context,
			status: 200,
			error: undefined,
		});
		const json = call.started?.[0].json ?? {};
		expect(Object.keys(json)).toEqual(
			expect.arrayContaining([
				'messageId',
				'chatJid',
				'isGroup',
				'from',
				'fromJid',
				'senderName',
				'type',
				'text',
				'mimeType',
				'fileName',
				'quotedMessageId',
				'timestamp',
				'sessionId',
			]),
		);
		expect(MESSAGE_TYPES).toContain(json.type);
		for (const field of [
			'text',
			'mimeType',
			'fileName',
			'senderName',
			'quotedMessageId',
			'timestamp',
		]) {
			expect([null, 'string']).toContain(json[field] === null ? null : typeof json[field]);
		}
	}
});
