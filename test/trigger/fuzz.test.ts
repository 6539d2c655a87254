import { deepCopy, type INodeExecutionData, type INodeParameters } from 'n8n-workflow';

import { MESSAGE_TYPES } from '../../nodes/shared/message';
import type { WebhookCall } from '../harness/webhook';
import {
	clone,
	encryptMedia,
	envelope,
	GROUP_JID,
	loose,
	REFERENCE_ENVELOPE,
	seededRandom,
	type Json,
} from './fixtures';
import { useTrigger } from './helpers';

const { server, start } = useTrigger();

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

// ---- 1,000+ adversarial bodies (issue 7 §4) -------------------------------------------------

/**
 * Every body below goes over real HTTP through n8n-core's webhook context, to triggers set up
 * from the most guarded to the most permissive. Whatever arrives, the answer is 2xx or 4xx, the
 * node never throws, an execution it starts carries items n8n can copy and save, and no
 * prototype is polluted.
 */
describe('adversarial bodies', () => {
	jest.setTimeout(600_000);

	const POLLUTED = 'polluted';
	const prototypesBefore = snapshotPrototypes();
	const answered: Record<string, number> = {};
	let bodyCount = 0;
	let posted = 0;

	function snapshotPrototypes(): string {
		return JSON.stringify(
			[Object.prototype, Array.prototype, Function.prototype, String.prototype].map((proto) =>
				Object.getOwnPropertyNames(proto).sort(),
			),
		);
	}

	/** From the most guarded trigger to the most permissive one. */
	const CONFIGS: Array<[string, INodeParameters]> = [
		['defaults', {}],
		[
			'secret, filters, Download Media',
			{
				filters: { ignoreGroups: true, textContains: 'a', senders: '15551234567' },
				options: { downloadMedia: true, webhookSecret: SECRET },
			},
		],
		[
			'All Events, Simplify off, Verify Session off',
			{ events: ['*'], simplify: false, options: { verifySession: false } },
		],
		[
			'All Events, Download Media, Verify Session off',
			{ events: ['*'], options: { downloadMedia: true, verifySession: false } },
		],
	];

	interface Adversarial {
		kind: string;
		/** JSON text, other text or bytes. */
		body: string | Buffer;
		contentType: string | null;
	}

	const json = (value: unknown): Adversarial['body'] => JSON.stringify(value);

	/** An object whose own key is `__proto__` (as JSON.parse makes it), not a prototype change. */
	const protoObject = (inner: unknown) =>
		JSON.parse(`{"__proto__": ${JSON.stringify(inner)}}`) as Json;

	const HUGE = 'A'.repeat(256 * 1024);
	const WRONG_VALUES: Array<[string, () => unknown]> = [
		['null', () => null],
		['true', () => true],
		['false', () => false],
		['0', () => 0],
		['-1', () => -1],
		['1.5', () => 1.5],
		['1e308', () => 1e308],
		['2^53+1', () => 2 ** 53 + 1],
		['""', () => ''],
		['" "', () => ' '],
		['"x"', () => 'x'],
		['"8"', () => '8'],
		['NUL', () => '\u0000'],
		['emoji', () => '😀😀😀'],
		['a 256 KB string', () => HUGE],
		['[]', () => []],
		['[null]', () => [null]],
		['[[[]]]', () => [[[]]]],
		['{}', () => ({})],
		['{length: 1e9}', () => ({ length: 1e9 })],
		['{__proto__: {polluted}}', () => protoObject({ [POLLUTED]: 'wrong type' })],
		[
			'{constructor: {prototype: {polluted}}}',
			() => ({ constructor: { prototype: { [POLLUTED]: 'c' } } }),
		],
	];

	/** An image on the contract server (the credential's Wappfly origin). */
	const MEDIA = encryptMedia(Buffer.from('adversarial'), 'image', Buffer.alloc(32, 3));
	let mediaUrl = '';
	beforeEach(() => {
		mediaUrl = server().addFile('/api/media/FUZZMEDIA1', {
			body: MEDIA.encrypted,
			requireToken: true,
		});
	});

	function mediaMessage(url: string): Json {
		return loose(
			envelope({
				id: 'FUZZMEDIA1',
				messageBody: 'a caption',
				message: {
					imageMessage: {
						url,
						mimetype: 'image/jpeg',
						caption: 'a caption',
						mediaKey: MEDIA.mediaKey.toString('base64'),
						fileSha256: MEDIA.fileSha256.toString('base64'),
						fileEncSha256: MEDIA.fileEncSha256.toString('base64'),
						fileLength: '11',
						contextInfo: {
							stanzaId: 'BD9043CF84A700B5',
							quotedMessage: { conversation: 'quoted' },
						},
					},
				},
			}),
		);
	}

	function bases(mediaUrl: string): Array<[string, Json]> {
		return [
			['text message', loose(REFERENCE_ENVELOPE)],
			['image message', mediaMessage(mediaUrl)],
			[
				'document with caption',
				loose(
					envelope({
						group: GROUP_JID,
						message: {
							documentWithCaptionMessage: {
								message: {
									documentMessage: {
										url: mediaUrl,
										fileName: 'a.pdf',
										mimetype: 'application/pdf',
										caption: 'a doc',
									},
								},
							},
						},
					}),
				),
			],
			[
				'other event',
				loose({ event: 'session.status', session: { id: 8 }, data: { status: 'connected' } }),
			],
		];
	}

	/** Every path of an object, objects and leaves, root excluded. */
	function paths(value: unknown, prefix: string[] = []): string[][] {
		if (typeof value !== 'object' || value === null) return [];
		return Object.keys(value).flatMap((key) => [
			[...prefix, key],
			...paths((value as Json)[key], [...prefix, key]),
		]);
	}

	function at(body: Json, path: string[]): Json {
		return path.reduce((node, key) => node[key], body);
	}

	function wrongTypes(mediaUrl: string): Adversarial[] {
		const bodies: Adversarial[] = [];
		for (const [name, base] of bases(mediaUrl)) {
			for (const path of paths(base)) {
				for (const [valueName, value] of WRONG_VALUES) {
					const body = clone(base);
					set(body, path, value());
					bodies.push({
						kind: `${name}: ${path.join('.')} = ${valueName}`,
						body: json(body),
						contentType: 'application/json',
					});
				}
			}
		}
		return bodies;
	}

	/** Own keys that pollute a prototype when code merges or assigns them carelessly. */
	const PROTOTYPE_KEYS: Array<[string, (node: Record<string, unknown>) => void]> = [
		[
			'__proto__',
			(node) =>
				// defineProperty keeps `__proto__` an own key, as JSON.parse makes it.
				Object.defineProperty(node, '__proto__', {
					value: { [POLLUTED]: 'proto' },
					enumerable: true,
					writable: true,
					configurable: true,
				}),
		],
		['constructor.prototype', (node) => (node['constructor'] = { prototype: { [POLLUTED]: 'c' } })],
		['prototype', (node) => (node['prototype'] = { [POLLUTED]: 'prototype' })],
	];

	function prototypeKeys(mediaUrl: string): Adversarial[] {
		const bodies: Adversarial[] = [];
		for (const [name, base] of bases(mediaUrl)) {
			const objectPaths = [[], ...paths(base)].filter((path) => {
				const node = path.length ? at(base, path) : base;
				return typeof node === 'object' && node !== null && !Array.isArray(node);
			});
			for (const path of objectPaths) {
				for (const [variant, add] of PROTOTYPE_KEYS) {
					const body = clone(base);
					add((path.length ? at(body, path) : body) as Record<string, unknown>);
					bodies.push({
						kind: `${name}: ${variant} at ${path.join('.') || 'the root'}`,
						body: json(body),
						contentType: 'application/json',
					});
				}
			}
		}
		return bodies;
	}

	function deepNesting(mediaUrl: string): Adversarial[] {
		const PLACEHOLDER = '"\\u0001DEEP\\u0001"';
		const bodies: Adversarial[] = [];
		const nested = (depth: number, open: string, close: string) =>
			`${open.repeat(depth)}0${close.repeat(depth)}`;
		for (const depth of [65, 1_000, 100_000]) {
			bodies.push({
				kind: `a bare array ${depth} deep`,
				body: nested(depth, '[', ']'),
				contentType: 'application/json',
			});
			for (const [name, base] of bases(mediaUrl)) {
				for (const path of [
					['data'],
					['data', 'messages', 'message'],
					['session', 'id'],
					['extra'],
				]) {
					const body = clone(base);
					set(body, path, '\u0001DEEP\u0001');
					const text = json(body) as string;
					if (!text.includes(PLACEHOLDER)) continue;
					for (const [shape, open, close] of [
						['arrays', '[', ']'],
						['objects', '{"a":', '}'],
					]) {
						bodies.push({
							kind: `${name}: ${path.join('.')} = ${shape} ${depth} deep`,
							body: text.replace(PLACEHOLDER, nested(depth, open, close)),
							contentType: 'application/json',
						});
					}
				}
			}
		}
		return bodies;
	}

	function hugeStrings(mediaUrl: string): Adversarial[] {
		// n8n refuses bodies over 16 MB (N8N_PAYLOAD_SIZE_MAX) before any node runs.
		const big = 'é'.repeat(4 * 1024 * 1024);
		const bodies: Adversarial[] = [];
		const [, text] = bases(mediaUrl)[0];
		const [, image] = bases(mediaUrl)[1];
		for (const path of [
			['event'],
			['session', 'id'],
			['data', 'messages', 'messageBody'],
			['data', 'messages', 'pushName'],
			['data', 'messages', 'key', 'id'],
			['data', 'messages', 'key', 'remoteJid'],
			['data', 'messages', 'key', 'senderPn'],
			['data', 'messages', 'key', 'cleanedSenderPn'],
			['data', 'messages', 'message', 'conversation'],
		]) {
			const body = clone(text);
			set(body, path, big);
			bodies.push({
				kind: `text message: ${path.join('.')} = 8 MB`,
				body: json(body),
				contentType: 'application/json',
			});
		}
		for (const field of ['url', 'mediaKey', 'fileSha256', 'mimetype', 'caption', 'fileLength']) {
			const body = clone(image);
			set(body, ['data', 'messages', 'message', 'imageMessage', field], big);
			bodies.push({
				kind: `image message: ${field} = 8 MB`,
				body: json(body),
				contentType: 'application/json',
			});
		}
		const digits = clone(text);
		set(
			digits,
			['data', 'messages', 'key', 'remoteJid'],
			`${'1'.repeat(5_000_000)}@s.whatsapp.net`,
		);
		bodies.push({
			kind: 'a 5-million-digit JID',
			body: json(digits),
			contentType: 'application/json',
		});
		const manyKeys = clone(text);
		set(
			manyKeys,
			['data', 'messages', 'message'],
			Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i])),
		);
		bodies.push({
			kind: '200,000 keys in message',
			body: json(manyKeys),
			contentType: 'application/json',
		});
		return bodies;
	}

	function otherContentTypes(): Adversarial[] {
		const envelopeText = JSON.stringify(REFERENCE_ENVELOPE);
		const bodies: Adversarial[] = [];
		const types = [
			null,
			'application/json',
			'APPLICATION/JSON',
			'application/json; charset=latin1',
			'application/vnd.api+json',
			'text/plain',
			'text/plain; charset=utf-8',
			'text/html',
			'text/xml',
			'application/xml',
			'application/x-www-form-urlencoded',
			'multipart/form-data; boundary=xyz',
			'application/octet-stream',
			'image/png',
			'*/*',
			'nonsense',
		];
		const texts: Array<[string, string | Buffer]> = [
			['an empty body', ''],
			['the envelope as text', envelopeText],
			['a form with an event', 'event=messages.received&session=8'],
			[
				'a form with __proto__',
				'__proto__[polluted]=form&__proto__=x&constructor[prototype][polluted]=form',
			],
			['a form with 5,000 keys', Array.from({ length: 5_000 }, (_, i) => `k${i}=${i}`).join('&')],
			['XML', `<event>messages.received</event>`],
			[
				'a multipart body',
				'--xyz\r\nContent-Disposition: form-data; name="event"\r\n\r\nmessages.received\r\n--xyz--\r\n',
			],
			['UTF-16 bytes', Buffer.from(envelopeText, 'utf16le')],
			['a byte-order mark and JSON', `\ufeff${envelopeText}`],
			['NUL bytes', Buffer.alloc(64)],
			['invalid UTF-8', Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x7b, 0x7d])],
		];
		for (const contentType of types) {
			for (const [name, body] of texts) {
				bodies.push({ kind: `${name} as ${contentType ?? 'no content type'}`, body, contentType });
			}
		}
		return bodies;
	}

	/** What n8n does with a started execution's items: copies them, saves them as JSON. */
	function expectUsableItems(items: INodeExecutionData[], context: string): void {
		let problem: string | undefined;
		try {
			deepCopy(items);
			JSON.stringify(items);
		} catch (error) {
			problem = (error as Error).message;
		}
		expect({ context, problem }).toEqual({ context, problem: undefined });
	}

	/**
	 * Posts each body to one trigger in turn, or to every trigger. `onlyStatus`: the one answer
	 * every post must get.
	 */
	async function postAll(
		bodies: Adversarial[],
		everyConfig: boolean,
		onlyStatus?: number,
	): Promise<void> {
		bodyCount += bodies.length;
		const triggers = await Promise.all(
			CONFIGS.map(async ([, parameters]) => await start(parameters)),
		);
		for (const [index, { kind, body, contentType }] of bodies.entries()) {
			const configs = everyConfig ? CONFIGS.keys() : [index % CONFIGS.length];
			for (const config of configs) {
				const context = `${kind} -> ${CONFIGS[config][0]}`;
				const call = await triggers[config].post(body, {
					contentType,
					query: `secret=${SECRET}`,
				});
				posted++;
				answered[call.status] = (answered[call.status] ?? 0) + 1;
				// 2xx or 4xx, or exactly `onlyStatus`.
				const expected =
					onlyStatus ??
					([2, 4].includes(Math.floor(call.status / 100)) ? call.status : '2xx or 4xx');
				expect({ context, error: call.error?.message, status: call.status }).toEqual({
					context,
					error: undefined,
					status: expected,
				});
				if (call.started) {
					expect({ context, answered: call.nodeAnswered }).toEqual({ context, answered: true });
					expectUsableItems(call.started, context);
				}
			}
		}
		expect(({} as Record<string, unknown>)[POLLUTED]).toBeUndefined();
		expect(snapshotPrototypes()).toBe(prototypesBefore);
	}

	test('wrong types at every field of four kinds of envelope', async () => {
		const bodies = wrongTypes(mediaUrl);
		expect(bodies.length).toBeGreaterThan(800);
		await postAll(bodies, false);
	});

	test('__proto__, constructor and prototype keys at every level', async () => {
		await postAll(prototypeKeys(mediaUrl), true);
	});

	test('deep nesting: 65, 1,000 and 100,000 levels', async () => {
		await postAll(deepNesting(mediaUrl), true, 400);
	});

	test('the limit: a message 64 levels deep starts, 65 levels deep is refused', async () => {
		const trigger = await start({ simplify: false });
		// The envelope, data, messages and message are 4 levels; 60 arrays inside make 64.
		const withExtra = (levels: number) => {
			const body = loose(REFERENCE_ENVELOPE);
			body.data.messages.message.extra = JSON.parse(
				`${'['.repeat(levels)}0${']'.repeat(levels)}`,
			) as Json;
			return body;
		};
		const deepest = await trigger.post(withExtra(60));
		expect(deepest.status).toBe(200);
		expect(deepest.started).toHaveLength(1);
		const tooDeep = await trigger.post(withExtra(61));
		expect(tooDeep.status).toBe(400);
		expect(tooDeep.response).toEqual({
			error: 'Not a Wappfly webhook payload: the body is nested more than 64 levels deep',
		});
		expect(tooDeep.started).toBeUndefined();
	});

	test("huge strings and objects (under n8n's 16 MB limit)", async () => {
		await postAll(hugeStrings(mediaUrl), false);
	});

	test('non-JSON content types and empty bodies', async () => {
		await postAll(otherContentTypes(), true);
	});

	test('more than 1,000 adversarial bodies in all; no prototype polluted', () => {
		expect(bodyCount).toBeGreaterThanOrEqual(1000);
		expect(posted).toBeGreaterThan(bodyCount);
		expect(({} as Record<string, unknown>)[POLLUTED]).toBeUndefined();
		expect(Object.getPrototypeOf({})).toBe(Object.prototype);
		expect(snapshotPrototypes()).toBe(prototypesBefore);
		expect(Object.keys(answered).every((status) => /^[24]\d\d$/.test(status))).toBe(true);
	});
});
