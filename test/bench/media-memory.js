// @ts-check
/**
 * `npm run bench`: how much memory the Wappfly node adds while it sends large media, through
 * n8n's real execution engine, for binary data held in memory and on disk. It prints figures;
 * it asserts nothing and is not part of the test suite.
 *
 * It then sends a video from a URL served chunked (no Content-Length), which the node stores
 * through n8n's binary-data helpers before sending it (issue 7 §2).
 *
 * For reference it also measures the naive way (read the file into a Buffer, encode it to
 * base64, JSON.stringify the body), which is what the node avoids.
 */
const http = require('node:http');
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const ts = require('typescript');

// Load the TypeScript harness and nodes without a build step. `X.node` must resolve to
// X.node.ts, not to the codex file X.node.json that Node would pick first.
const Module = require('node:module');
const path = require('node:path');
const resolve = /** @type {any} */ (Module)._resolveFilename;
/** @type {any} */ (Module)._resolveFilename = function (request, parent, ...rest) {
	if (request.startsWith('.') && parent?.filename) {
		const candidate = path.resolve(path.dirname(parent.filename), `${request}.ts`);
		if (fs.existsSync(candidate)) return candidate;
	}
	return resolve.call(this, request, parent, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
	const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
		},
		fileName: filename,
	});
	/** @type {any} */ (module)._compile(outputText, filename);
};
require('../harness/environment.js');
const { runWappfly } = require('../harness/n8n.ts');

const MB = 1024 * 1024;
const sizesMb = (process.env.BENCH_SIZES_MB ?? '50,200').split(',').map(Number);

/** A Wappfly-shaped endpoint that hashes what it receives and keeps none of it. */
function startSink() {
	const received = [];
	const server = http.createServer((req, res) => {
		const hash = createHash('sha256');
		let bytes = 0;
		req.on('data', (chunk) => {
			bytes += chunk.length;
			hash.update(chunk);
		});
		req.on('end', () => {
			received.push({ bytes, sha256: hash.digest('hex') });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"queued":true,"msg_id":"BENCH000000000001"}');
		});
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({ server, received, url: `http://127.0.0.1:${server.address().port}` }),
		),
	);
}

function gc() {
	if (global.gc) {
		global.gc();
		global.gc();
	}
}

/** Samples memory every few ms from `start()` on; `stop()` returns the peaks above the start. */
function memoryMeter() {
	let base;
	let peak = { rss: 0, heap: 0 };
	let timer;
	const sample = () => {
		const { rss, heapUsed, external } = process.memoryUsage();
		peak.rss = Math.max(peak.rss, rss - base.rss);
		peak.heap = Math.max(peak.heap, heapUsed + external - base.heap);
	};
	return {
		start() {
			const { rss, heapUsed, external } = process.memoryUsage();
			base = { rss, heap: heapUsed + external };
			timer = setInterval(sample, 2);
		},
		stop() {
			sample();
			clearInterval(timer);
			return peak;
		},
	};
}

const fmt = (bytes) => `${(bytes / MB).toFixed(0).padStart(5)} MB`;

/**
 * Runs one Send Video of `byteLength` bytes through n8n and measures the memory added from the
 * moment the Wappfly node starts; `source` gives the items and the media parameters.
 */
async function measureSend(sink, byteLength, binaryMode, source) {
	const meter = memoryMeter();
	const started = { at: 0 };
	gc();
	const result = await runWappfly({
		credentials: { apiToken: 'bench-token-0123456789', baseUrl: sink.url },
		binaryMode,
		items: source.items,
		parameters: {
			resource: 'message',
			operation: 'sendVideo',
			to: { __rl: true, mode: 'id', value: '+15551234567' },
			...source.parameters,
			options: { maxMediaSize: 2048 },
		},
		onNodeStart: (name) => {
			if (name !== 'Wappfly') return;
			gc();
			started.at = Date.now();
			meter.start();
		},
	});
	const peak = meter.stop();
	const seconds = (Date.now() - started.at) / 1000;
	if (result.error) throw new Error(result.error.message);
	const sent = sink.received.at(-1);
	const expected = Math.ceil(byteLength / 3) * 4;
	return { peak, seconds, ok: sent.bytes > expected && sent.bytes < expected + 200 };
}

async function measureNode(sink, sizeMb, binaryMode) {
	const bytes = randomBytes(sizeMb * MB);
	const file = { data: bytes, fileName: 'big.mp4', mimeType: 'video/mp4' };
	return await measureSend(sink, bytes.length, binaryMode, { items: [{ binary: { data: file } }] });
}

/**
 * A web server that sends `sizeMb` MB without a Content-Length (Transfer-Encoding: chunked),
 * made on the fly from one reused 1 MB block, so that the server itself holds almost nothing.
 */
function startChunkedFileServer() {
	const block = randomBytes(MB);
	const server = http.createServer((req, res) => {
		const sizeMb = Number(new URL(req.url, 'http://x').searchParams.get('mb'));
		res.writeHead(200, { 'content-type': 'video/mp4' });
		let sent = 0;
		const pump = () => {
			while (sent < sizeMb) {
				sent += 1;
				if (!res.write(block)) return void res.once('drain', pump);
			}
			res.end();
		};
		pump();
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({ server, url: `http://127.0.0.1:${server.address().port}/clip.mp4` }),
		),
	);
}

async function measureUrl(sink, files, sizeMb, binaryMode) {
	return await measureSend(sink, sizeMb * MB, binaryMode, {
		parameters: { mediaSource: 'url', url: `${files.url}?mb=${sizeMb}` },
	});
}

async function measureNaive(sizeMb) {
	const file = `${os.tmpdir()}/wappfly-bench-${process.pid}.bin`;
	fs.writeFileSync(file, randomBytes(sizeMb * MB));
	gc();
	const meter = memoryMeter();
	meter.start();
	const buffer = fs.readFileSync(file);
	const body = JSON.stringify({
		to: '15551234567@s.whatsapp.net',
		mimetype: 'video/mp4',
		file: buffer.toString('base64'),
	});
	const wire = Buffer.from(body);
	const peak = meter.stop();
	fs.rmSync(file);
	return { peak, keep: wire.length };
}

async function main() {
	const sink = await startSink();
	const print = (line) => process.stdout.write(`${line}\n`);
	print(
		'Wappfly node: memory added while sending one video (peak above the moment the node starts)',
	);
	print('size     | binary data mode | peak RSS  | peak heap+external | time    | body');
	for (const sizeMb of sizesMb) {
		for (const mode of ['default', 'filesystem']) {
			const { peak, seconds, ok } = await measureNode(sink, sizeMb, mode);
			print(
				`${String(sizeMb).padStart(4)} MB  | ${mode.padEnd(16)} | ${fmt(peak.rss)} | ${fmt(peak.heap)}           | ${seconds.toFixed(2).padStart(5)} s | ${ok ? 'complete' : 'WRONG LENGTH'}`,
			);
		}
		const naive = await measureNaive(sizeMb);
		print(
			`${String(sizeMb).padStart(4)} MB  | naive reference  | ${fmt(naive.peak.rss)} | ${fmt(naive.peak.heap)}           |         | Buffer + base64 + JSON.stringify`,
		);
	}
	const files = await startChunkedFileServer();
	const urlSizeMb = Number(process.env.BENCH_URL_SIZE_MB ?? 200);
	print('');
	print(
		'The same video from a URL, chunked (no Content-Length): downloaded, stored through n8n, then sent',
	);
	print('size     | binary data mode | peak RSS  | peak heap+external | time    | body');
	for (const mode of ['filesystem', 'default']) {
		const { peak, seconds, ok } = await measureUrl(sink, files, urlSizeMb, mode);
		print(
			`${String(urlSizeMb).padStart(4)} MB  | ${mode.padEnd(16)} | ${fmt(peak.rss)} | ${fmt(peak.heap)}           | ${seconds.toFixed(2).padStart(5)} s | ${ok ? 'complete' : 'WRONG LENGTH'}`,
		);
	}
	print(
		'Goal: under 64 MB added in filesystem mode. In memory mode n8n keeps every binary file in memory, this one included.',
	);
	files.server.close();
	sink.server.close();
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`${error.stack}\n`);
		process.exit(1);
	},
);
