/**
 * Issue 7 §2: media from a URL in any transfer encoding, in bounded memory, and never a
 * half-sent body. Ordinary web servers on 127.0.0.1 serve the file compressed, chunked, with a
 * wrong length or cut off; Wappfly (the contract server) must receive the exact file with a
 * Content-Length equal to the bytes sent, or nothing at all while the user gets a clear error.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { INodeParameters } from 'n8n-workflow';

import { byId, run, useWappflyServer } from '../harness/fixtures';
import { endlessBody, startHost, type Handler, type Host } from '../harness/host';
import type { BinaryMode } from '../harness/n8n';
import { SEED } from '../server/wappfly-server';
import { zlib } from '../support/node';

const { server, credentials } = useWappflyServer();

let files: Host;
beforeEach(async () => {
	files = await startHost();
});
afterEach(async () => await files.close());

const MB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function sendDocument(url: string, options: INodeParameters = {}): INodeParameters {
	return {
		resource: 'message',
		operation: 'sendDocument',
		to: byId(SEED.aliceJid),
		mediaSource: 'url',
		url,
		options,
	};
}

/** What Wappfly received: exactly one complete upload of `bytes`, its length announced right. */
function expectReceived(bytes: Buffer) {
	expect(server().abortedRequests).toEqual([]);
	expect(server().requests).toHaveLength(1);
	const [upload] = server().requests;
	expect(upload.status).toBe(200);
	expect(upload.file).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
	expect(Number(upload.headers['content-length'])).toBe(upload.rawBodyBytes);
}

/** Wappfly received nothing: no request, not even a broken-off one. */
function expectNothingSent() {
	expect(server().requests).toEqual([]);
	expect(server().abortedRequests).toEqual([]);
}

/** A CSV, as an ordinary web server would compress it. */
const csv = Buffer.from(
	Array.from({ length: 20_000 }, (_, i) => `${i},customer ${i},${(i * 7) % 1000}.00\n`).join(''),
);

const encoders: Array<[string, (bytes: Buffer) => Buffer]> = [
	['gzip', (bytes) => zlib.gzipSync(bytes)],
	['deflate', (bytes) => zlib.deflateSync(bytes)],
	['br', (bytes) => zlib.brotliCompressSync(bytes)],
];

/** Writes `bytes` in pieces, without a Content-Length (Transfer-Encoding: chunked). */
function chunked(bytes: Buffer, headers: Record<string, string> = {}): Handler {
	return (_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/csv', ...headers });
		for (let start = 0; start < bytes.length; start += 16 * 1024) {
			res.write(bytes.subarray(start, start + 16 * 1024));
		}
		res.end();
	};
}

describe.each<BinaryMode>(['default', 'filesystem'])('binary data in %s mode', (binaryMode) => {
	test.each(encoders)(
		'%s despite Accept-Encoding: identity, with the compressed Content-Length: the real bytes are sent',
		async (encoding, encode) => {
			const compressed = encode(csv);
			const url = files.route('/export.csv', (_req, res) => {
				res.writeHead(200, {
					'Content-Type': 'text/csv',
					'Content-Encoding': encoding,
					'Content-Length': compressed.length,
				});
				res.end(compressed);
			});
			const result = await run(credentials(), sendDocument(url), { binaryMode });
			expect(result.error).toBeUndefined();
			expect(files.requests[0].headers['accept-encoding']).toBe('identity');
			expectReceived(csv);
			expect(server().requests[0].body).toMatchObject({
				filename: 'export.csv',
				mimetype: 'text/csv',
			});
		},
	);

	test.each(encoders)('%s and chunked: the real bytes are sent', async (encoding, encode) => {
		const url = files.route('/export.csv', chunked(encode(csv), { 'Content-Encoding': encoding }));
		const result = await run(credentials(), sendDocument(url), { binaryMode });
		expect(result.error).toBeUndefined();
		expectReceived(csv);
	});

	test('chunked, no Content-Length: the file is counted, then sent with its length', async () => {
		const bytes = randomBytes(3 * MB + 5);
		const url = files.route('/big.bin', chunked(bytes));
		const result = await run(credentials(), sendDocument(url), { binaryMode });
		expect(result.error).toBeUndefined();
		expectReceived(bytes);
	});

	test('a server that sends more bytes than its Content-Length: the announced bytes are the file', async () => {
		const bytes = randomBytes(100_000);
		const url = files.route('/more.bin', (req) => {
			// Written to the socket by hand: Node's server would refuse to send more.
			req.socket.write(
				`HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 60000\r\nConnection: close\r\n\r\n`,
			);
			req.socket.end(bytes);
		});
		const result = await run(credentials(), sendDocument(url), { binaryMode });
		expect(result.error).toBeUndefined();
		expectReceived(bytes.subarray(0, 60_000));
	});

	test('a server that sends fewer bytes than its Content-Length: an error, nothing sent', async () => {
		const url = files.route('/fewer.bin', (req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': 100_000 });
			res.write(randomBytes(60_000), () => req.socket.end());
		});
		const result = await run(credentials(), sendDocument(url), { binaryMode });
		expect(result.error?.message).toMatch(
			new RegExp(
				`^Could not download the media from ${url}: the download broke off after \\d+ of 100000 bytes`,
			),
		);
		expectNothingSent();
	});

	test.each([
		['with a Content-Length', true],
		['chunked', false],
	])('a connection reset mid-stream (%s): an error, nothing sent', async (_name, withLength) => {
		const url = files.route('/reset.bin', (req, res) => {
			res.writeHead(200, {
				'Content-Type': 'application/pdf',
				...(withLength ? { 'Content-Length': 1_000_000 } : {}),
			});
			res.write(randomBytes(300_000), () => req.socket.resetAndDestroy());
		});
		const result = await run(credentials(), sendDocument(url), { binaryMode });
		expect(result.error?.message).toMatch(
			new RegExp(
				`^Could not download the media from ${url}: the download broke off after \\d+ ${withLength ? 'of 1000000 ' : ''}bytes`,
			),
		);
		expect(result.error?.description).toMatch(/reachable from the n8n host/);
		expectNothingSent();
	});

	test('a file over Max Media Size that says so is refused before it is read', async () => {
		const url = files.route('/big.pdf', (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': 3 * MB });
			res.end(randomBytes(3 * MB));
		});
		const result = await run(credentials(), sendDocument(url, { maxMediaSize: 2 }), {
			binaryMode,
		});
		expect(result.error?.message).toBe(
			`Could not download the media from ${url}: the file has 3145728 bytes, more than the Max Media Size of 2 MB (item 0)`,
		);
		expect(result.error?.description).toMatch(/Raise Options > Max Media Size \(MB\)/);
		expectNothingSent();
	});

	test('a chunked file over Max Media Size is cut off while it streams', async () => {
		const endless = endlessBody();
		const url = files.route('/endless.bin', endless.handler);
		const result = await run(credentials(), sendDocument(url, { maxMediaSize: 1 }), {
			binaryMode,
		});
		expect(result.error?.message).toBe(
			`Could not download the media from ${url}: the file is larger than the Max Media Size of 1 MB (item 0)`,
		);
		expectNothingSent();
		await endless.closed;
	});

	test('a gzip bomb is cut off at Max Media Size, counted in real bytes', async () => {
		const bomb = zlib.gzipSync(Buffer.alloc(20 * MB));
		const url = files.route('/bomb.csv', (_req, res) => {
			res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': bomb.length });
			res.end(bomb);
		});
		const result = await run(credentials(), sendDocument(url, { maxMediaSize: 1 }), {
			binaryMode,
		});
		expect(result.error?.message).toBe(
			`Could not download the media from ${url}: the file is larger than the Max Media Size of 1 MB (item 0)`,
		);
		expectNothingSent();
	});
});

test('an encoding n8n cannot decode is refused with a clear error', async () => {
	const url = files.route('/odd.csv', (_req, res) => {
		res.writeHead(200, { 'Content-Encoding': 'x-custom', 'Content-Length': 4 });
		res.end('abcd');
	});
	const result = await run(credentials(), sendDocument(url));
	expect(result.error?.message).toBe(
		`Could not download the media from ${url}: the server sent the file encoded as "x-custom", although n8n asked for it unencoded (Accept-Encoding: identity) (item 0)`,
	);
	expectNothingSent();
});

test('Continue On Fail: a broken download is one error item, the next item is still sent', async () => {
	const good = files.serve('/ok.pdf', Buffer.from('%PDF-1.7 ok'), 'application/pdf');
	const broken = files.route('/broken.pdf', (req, res) => {
		res.writeHead(200, { 'Content-Length': 1000 });
		res.write(Buffer.alloc(10), () => req.socket.destroy());
	});
	const result = await run(credentials(), sendDocument('={{ $json.url }}'), {
		items: [{ json: { url: broken } }, { json: { url: good } }],
		continueOnFail: true,
	});
	expect(
		result.items.map((item) => [item.json.error ?? item.json.queued, item.pairedItem]),
	).toEqual([
		[expect.stringMatching(/broke off after \d+ of 1000 bytes/), { item: 0 }],
		[true, { item: 1 }],
	]);
	expectReceived(Buffer.from('%PDF-1.7 ok'));
});

describe('Max Media Size applies to every source', () => {
	test.each<[BinaryMode, number]>([
		['default', MB + 1],
		['filesystem', 2 * MB],
	])(
		'a binary file held in %s mode over it is refused before anything is sent',
		async (binaryMode, size) => {
			const result = await run(
				credentials(),
				{
					resource: 'message',
					operation: 'sendVideo',
					to: byId(SEED.aliceJid),
					options: { maxMediaSize: 1 },
				},
				{
					binaryMode,
					items: [{ binary: { data: { data: randomBytes(size), mimeType: 'video/mp4' } } }],
				},
			);
			expect(result.error?.message).toBe(
				`The file has ${size} bytes, more than the Max Media Size of 1 MB (item 0)`,
			);
			expect(result.error?.description).toMatch(/Raise Options > Max Media Size \(MB\)/);
			expectNothingSent();
		},
	);

	test('base64 data over it is refused before anything is sent', async () => {
		const result = await run(credentials(), {
			resource: 'message',
			operation: 'sendDocument',
			to: byId(SEED.aliceJid),
			mediaSource: 'base64',
			base64: randomBytes(MB + 3).toString('base64'),
			options: { maxMediaSize: 1 },
		});
		expect(result.error?.message).toBe(
			'The file has 1048579 bytes, more than the Max Media Size of 1 MB (item 0)',
		);
		expectNothingSent();
	});

	test('a file of exactly Max Media Size is sent', async () => {
		const bytes = randomBytes(MB);
		const url = files.route('/exact.bin', chunked(bytes));
		const result = await run(credentials(), sendDocument(url, { maxMediaSize: 1 }));
		expect(result.error).toBeUndefined();
		expectReceived(bytes);
	});

	test('an invalid Max Media Size is refused before anything is sent', async () => {
		const result = await run(
			credentials(),
			sendDocument('https://example.com/a.pdf', { maxMediaSize: 0 }),
		);
		expect(result.error?.message).toBe('Invalid Max Media Size (MB) "0" (item 0)');
		expectNothingSent();
	});
});
