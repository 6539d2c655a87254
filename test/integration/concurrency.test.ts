/**
 * Sends go one at a time, in item order; reads (which change nothing and cost no quota) run a
 * few at once. A small Wappfly-shaped server on 127.0.0.1 answers each request after a short
 * pause and counts how many are open at the same time, which the contract server cannot show.
 */
import { READS_IN_FLIGHT } from '../../nodes/Wappfly/actions/router';
import { byId, run } from '../harness/fixtures';
import { crypto, http, startTimer } from '../support/node';

const apiToken = crypto.randomBytes(16).toString('hex');
/** Requests for this chat are answered with HTTP 500. */
const FAILING = '15559999999@s.whatsapp.net';

interface Stub {
	url: string;
	/** Chats (reads) or recipients (sends) in the order the requests arrived. */
	arrived: string[];
	maxOpen: number;
	close: () => Promise<void>;
}

let stub: Stub;

beforeEach(async () => {
	let open = 0;
	const state = { arrived: [] as string[], maxOpen: 0 };
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			open++;
			state.maxOpen = Math.max(state.maxOpen, open);
			const url = new URL(req.url ?? '/', 'http://stub');
			const target =
				req.method === 'GET'
					? (url.searchParams.get('jid') ?? '')
					: (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string }).to;
			state.arrived.push(target);
			const ok = req.headers['x-api-token'] === apiToken && target !== FAILING;
			// A deliberate pause, so that requests sent at the same time are open together.
			startTimer(() => {
				open--;
				res.writeHead(ok ? 200 : 500, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify(
						!ok
							? { error: `Injected failure for ${target}` }
							: req.method === 'GET'
								? [{ msg_id: `FOR-${target}`, body: target }]
								: { queued: true, msg_id: `SENT-${target}` },
					),
				);
			}, 5);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	stub = {
		url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
		get arrived() {
			return state.arrived;
		},
		get maxOpen() {
			return state.maxOpen;
		},
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
});

afterEach(async () => await stub.close());

const chats = Array.from({ length: 20 }, (_, i) => `1555000${String(i).padStart(4, '0')}`);
const jid = (number: string) => `${number}@s.whatsapp.net`;
const history = { resource: 'chat', operation: 'getHistory', chat: byId('={{ $json.chat }}') };

test(`20 reads run at most ${READS_IN_FLIGHT} at once, and come out in input order`, async () => {
	const result = await run({ apiToken, baseUrl: stub.url }, history, {
		items: chats.map((chat) => ({ json: { chat } })),
	});
	expect(result.error).toBeUndefined();
	expect(result.items.map((item) => item.json.body)).toEqual(chats.map(jid));
	expect(result.items.map((item) => item.pairedItem)).toEqual(chats.map((_, item) => ({ item })));
	expect(stub.arrived.sort()).toEqual(chats.map(jid).sort());
	expect(stub.maxOpen).toBeGreaterThan(1);
	expect(stub.maxOpen).toBeLessThanOrEqual(READS_IN_FLIGHT);
	expect(result.credentialReads).toBe(1);
});

test('a failing read stops the node at that item, as reading one by one would', async () => {
	const items = chats.map((chat, index) => ({ json: { chat: index === 5 ? FAILING : chat } }));
	const result = await run({ apiToken, baseUrl: stub.url }, history, { items });
	expect(result.error?.message).toMatch(/Injected failure for 15559999999/);
	expect(result.error?.context?.itemIndex).toBe(5);
	expect(result.items).toEqual([]);
	// Items after the failing one were not started once it had failed.
	expect(stub.arrived.length).toBeLessThanOrEqual(5 + READS_IN_FLIGHT);
});

test('with Continue On Fail, a failing read gives one error item in its place', async () => {
	const items = chats.map((chat, index) => ({ json: { chat: index === 5 ? FAILING : chat } }));
	const result = await run({ apiToken, baseUrl: stub.url }, history, {
		items,
		continueOnFail: true,
	});
	expect(result.error).toBeUndefined();
	expect(result.items.map((item) => item.pairedItem)).toEqual(chats.map((_, item) => ({ item })));
	expect(result.items[5].json.error).toMatch(/Injected failure for 15559999999/);
	const others = result.items.filter((_, index) => index !== 5);
	expect(others.map((item) => item.json.body)).toEqual(
		chats.filter((_, index) => index !== 5).map(jid),
	);
});

test('sends never overlap: one at a time, in item order', async () => {
	const result = await run(
		{ apiToken, baseUrl: stub.url },
		{ resource: 'message', operation: 'sendText', to: byId('={{ $json.to }}'), text: 'Hi' },
		{ items: chats.map((to) => ({ json: { to: `+${to}` } })) },
	);
	expect(result.error).toBeUndefined();
	expect(stub.arrived).toEqual(chats.map(jid));
	expect(stub.maxOpen).toBe(1);
	expect(result.items.map((item) => item.json.msg_id)).toEqual(
		chats.map((chat) => `SENT-${jid(chat)}`),
	);
});
