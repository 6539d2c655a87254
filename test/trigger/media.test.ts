import { Container } from '@n8n/di';
import { randomBytes } from 'node:crypto';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { MediaKind } from '../../nodes/shared/message';
import type { BinaryMode } from '../harness/n8n';
import { http } from '../support/node';
import { encryptMedia, envelope, type EncryptedMedia } from './fixtures';
import { useTrigger } from './helpers';

const { server, credentials, start } = useTrigger();

type IncomingMessage = InstanceType<typeof http.IncomingMessage>;
type ServerResponse = InstanceType<typeof http.ServerResponse>;
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A stand-in for WhatsApp's media CDN (or any host other than Wappfly's) on 127.0.0.1. */
interface Host {
	url: string;
	requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
	route(path: string, handler: Handler): string;
	serve(path: string, body: Buffer, contentType?: string): string;
	close(): Promise<void>;
}

async function startHost(): Promise<Host> {
	const routes = new Map<string, Handler>();
	const requests: Host['requests'] = [];
	const httpServer = http.createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
		requests.push({ path, headers: req.headers });
		const handler = routes.get(path);
		if (handler) handler(req, res);
		else {
			res.statusCode = 404;
			res.end('not found');
		}
	});
	await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve()));
	const url = `http://127.0.0.1:${(httpServer.address() as { port: number }).port}`;
	const route = (path: string, handler: Handler) => {
		routes.set(path, handler);
		return `${url}${path}`;
	};
	return {
		url,
		requests,
		route,
		serve: (path, body, contentType = 'application/octet-stream') =>
			route(path, (_req, res) => {
				res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
				res.end(body);
			}),
		async close() {
			httpServer.closeAllConnections();
			await new Promise<void>((resolve) => httpServer.close(() => resolve()));
		},
	};
}

let cdn: Host;
beforeEach(async () => {
	cdn = await startHost();
});
afterEach(async () => await cdn.close());

const b64 = (bytes: Buffer) => bytes.toString('base64');

interface MediaCase {
	kind: MediaKind;
	key: string;
	mimetype: string;
	fileName?: string;
	expectedFileName: string;
}

const CASES: MediaCase[] = [
	{ kind: 'image', key: 'imageMessage', mimetype: 'image/jpeg', expectedFileName: 'MSG1.jpg' },
	{ kind: 'video', key: 'videoMessage', mimetype: 'video/mp4', expectedFileName: 'MSG1.mp4' },
	{
		kind: 'audio',
		key: 'audioMessage',
		mimetype: 'audio/ogg; codecs=opus',
		expectedFileName: 'MSG1.ogg',
	},
	{
		kind: 'document',
		key: 'documentMessage',
		mimetype: 'application/pdf',
		fileName: 'Invoice May.pdf',
		expectedFileName: 'Invoice May.pdf',
	},
	{ kind: 'sticker', key: 'stickerMessage', mimetype: 'image/webp', expectedFileName: 'MSG1.webp' },
];

/** A media message as WhatsApp sends it, pointing at `url`. */
function mediaEnvelope(
	media: MediaCase,
	url: string | undefined,
	encrypted: EncryptedMedia,
	overrides: Record<string, unknown> = {},
) {
	return envelope({
		id: 'MSG1',
		messageBody: null,
		message: {
			[media.key]: {
				url,
				mimetype: media.mimetype,
				fileName: media.fileName,
				mediaKey: b64(encrypted.mediaKey),
				fileSha256: b64(encrypted.fileSha256),
				fileEncSha256: b64(encrypted.fileEncSha256),
				fileLength: String(encrypted.encrypted.length - 10 - 1),
				directPath: '/v/t62.7118-24/x.enc',
				mediaKeyTimestamp: '1779285890',
				...overrides,
			},
		},
	});
}

const DOWNLOAD: INodeParameters = { options: { downloadMedia: true } };

async function bytesOf(binary: IBinaryData | undefined): Promise<Buffer> {
	if (!binary) throw new Error('no binary data');
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

function onlyItem(started: INodeExecutionData[] | undefined): INodeExecutionData {
	expect(started).toHaveLength(1);
	return started![0];
}

describe.each<BinaryMode>(['default', 'filesystem'])('binary data in %s mode', (binaryMode) => {
	test.each(CASES.map((media) => [media.kind, media] as const))(
		'%s: encrypted on the CDN, decrypted bit-exact into the binary field "data"',
		async (_kind, media) => {
			const plain = randomBytes(256 * 1024 + 7);
			const encrypted = encryptMedia(plain, media.kind);
			const url = cdn.serve(`/${media.kind}.enc`, encrypted.encrypted);
			const trigger = await start(DOWNLOAD, { binaryMode });

			const call = await trigger.post(mediaEnvelope(media, url, encrypted));
			expect(call.status).toBe(200);
			const item = onlyItem(call.started);
			expect(item.json.mediaError).toBeUndefined();
			expect(item.json).toMatchObject({
				messageId: 'MSG1',
				type: media.kind,
				mimeType: media.mimetype,
			});
			const binary = item.binary?.data;
			expect(binary).toMatchObject({ mimeType: media.mimetype, fileName: media.expectedFileName });
			if (binaryMode === 'filesystem') expect(binary?.id).toMatch(/^filesystem/);
			else expect(binary?.id).toBeUndefined();
			expect((await bytesOf(binary)).equals(plain)).toBe(true);
			// WhatsApp's CDN is not Wappfly: the token is not sent there.
			expect(cdn.requests).toHaveLength(1);
			expect(cdn.requests[0].headers['x-api-token']).toBeUndefined();
		},
	);
});

describe('a failed attachment never loses the message', () => {
	const image = CASES[0];

	async function postImage(
		serveBody: (encrypted: EncryptedMedia) => Buffer,
		overrides: (encrypted: EncryptedMedia) => Record<string, unknown> = () => ({}),
		parameters: INodeParameters = DOWNLOAD,
	) {
		const plain = randomBytes(40_000);
		const encrypted = encryptMedia(plain, 'image');
		const url = cdn.serve('/image.enc', serveBody(encrypted));
		const trigger = await start(parameters);
		const call = await trigger.post(mediaEnvelope(image, url, encrypted, overrides(encrypted)));
		expect(call.status).toBe(200);
		expect(call.error).toBeUndefined();
		const item = onlyItem(call.started);
		if (parameters.simplify !== false) {
			expect(item.json).toMatchObject({ messageId: 'MSG1', type: 'image', from: '15551234567' });
		}
		return item;
	}

	test.each([0, 1000, 39_999, 40_010])(
		'a byte flipped at %i: mediaError, no binary',
		async (index) => {
			const item = await postImage(({ encrypted }) => {
				const tampered = Buffer.from(encrypted);
				tampered[Math.min(index, tampered.length - 1)] ^= 0x80;
				return tampered;
			});
			expect(item.binary).toBeUndefined();
			expect(item.json.mediaError).toBe(
				'Could not attach the image: the file does not match its media key (MAC check failed): it is damaged or belongs to another message',
			);
		},
	);

	test('a wrong media key: mediaError, no binary', async () => {
		const item = await postImage(
			({ encrypted }) => encrypted,
			() => ({ mediaKey: b64(randomBytes(32)) }),
		);
		expect(item.binary).toBeUndefined();
		expect(item.json.mediaError).toMatch(/MAC check failed/);
	});

	test('a fileSha256 that does not match: mediaError', async () => {
		const item = await postImage(
			({ encrypted }) => encrypted,
			() => ({ fileSha256: b64(randomBytes(32)) }),
		);
		expect(item.binary).toBeUndefined();
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the decrypted file does not match its SHA-256 (fileSha256)',
		);
	});

	test('a media key that is not readable: mediaError', async () => {
		const item = await postImage(
			({ encrypted }) => encrypted,
			() => ({ mediaKey: 'not a key!' }),
		);
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the media key of the message is not readable',
		);
	});

	test('HTTP 404 from the CDN: mediaError', async () => {
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const trigger = await start(DOWNLOAD);
		const call = await trigger.post(mediaEnvelope(image, `${cdn.url}/gone.enc`, encrypted));
		const item = onlyItem(call.started);
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the download was answered with HTTP 404',
		);
	});

	test('an unreachable host: mediaError', async () => {
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const trigger = await start(DOWNLOAD);
		const call = await trigger.post(mediaEnvelope(image, 'http://127.0.0.1:9/x.enc', encrypted));
		// n8n's own wording for ECONNREFUSED.
		expect(onlyItem(call.started).json.mediaError).toBe(
			'Could not attach the image: The service refused the connection - perhaps it is offline',
		);
	});

	test('neither url nor directPath: mediaError', async () => {
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const trigger = await start(DOWNLOAD);
		const call = await trigger.post(
			mediaEnvelope(image, undefined, encrypted, { directPath: undefined }),
		);
		expect(onlyItem(call.started).json.mediaError).toBe(
			'Could not attach the image: the message has no download URL',
		);
	});

	test('a file announced larger than Max Media Size is not downloaded', async () => {
		const item = await postImage(
			({ encrypted }) => encrypted,
			() => ({ fileLength: String(3 * 1024 * 1024) }),
			{ options: { downloadMedia: true, maxMediaSize: 2 } },
		);
		expect(item.binary).toBeUndefined();
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the file has 3145728 bytes, more than the Max Media Size of 2 MB',
		);
		expect(cdn.requests).toHaveLength(0);
	});

	test('a file larger than Max Media Size despite what it announces is refused', async () => {
		const trigger = await start({ options: { downloadMedia: true, maxMediaSize: 1 } });
		const encrypted = encryptMedia(randomBytes(1024 * 1024 + 100), 'image');
		const url = cdn.serve('/big.enc', encrypted.encrypted);
		const call = await trigger.post(mediaEnvelope(image, url, encrypted, { fileLength: '1000' }));
		const item = onlyItem(call.started);
		expect(item.binary).toBeUndefined();
		expect(item.json.mediaError).toMatch(
			/^Could not attach the image: the file has \d+ bytes, more than the Max Media Size of 1 MB$/,
		);
	});

	test('a stream without Content-Length is cut off at Max Media Size', async () => {
		let closed: () => void = () => {};
		const aborted = new Promise<void>((resolve) => (closed = resolve));
		const url = cdn.route('/endless.enc', (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
			const chunk = randomBytes(64 * 1024);
			const pump = () => {
				while (!res.destroyed && res.write(chunk));
				if (!res.destroyed) res.once('drain', pump);
			};
			res.on('close', () => closed());
			pump();
		});
		const trigger = await start({ options: { downloadMedia: true, maxMediaSize: 1 } });
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const call = await trigger.post(
			mediaEnvelope(image, url, encrypted, { fileLength: undefined }),
		);
		expect(onlyItem(call.started).json.mediaError).toBe(
			'Could not attach the image: the file is larger than the Max Media Size of 1 MB',
		);
		await aborted;
	});

	test('Simplify off: the envelope as received, with mediaError added', async () => {
		const item = await postImage(
			() => Buffer.from('not encrypted'),
			() => ({}),
			{ simplify: false, options: { downloadMedia: true } },
		);
		const { mediaError, ...received } = item.json;
		expect(received.event).toBe('messages.received');
		expect((received.data as { messages: { key: { id: string } } }).messages.key.id).toBe('MSG1');
		expect(mediaError).toBe(
			'Could not attach the image: the downloaded file (13 bytes) is not WhatsApp-encrypted media',
		);
		expect(item.binary).toBeUndefined();
	});
});

describe('where the file comes from', () => {
	const image = CASES[0];

	test('Download Media off (default): no download, no binary', async () => {
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const url = cdn.serve('/image.enc', encrypted.encrypted);
		const trigger = await start();
		const item = onlyItem((await trigger.post(mediaEnvelope(image, url, encrypted))).started);
		expect(item.binary).toBeUndefined();
		expect(item.json.mediaError).toBeUndefined();
		expect(cdn.requests).toHaveLength(0);
	});

	test('Simplify off: the envelope exactly as received, and the file', async () => {
		const plain = randomBytes(3000);
		const encrypted = encryptMedia(plain, 'video');
		const url = cdn.serve('/video.enc', encrypted.encrypted);
		const body = mediaEnvelope(CASES[1], url, encrypted);
		const trigger = await start({ simplify: false, options: { downloadMedia: true } });
		const item = onlyItem((await trigger.post(body)).started);
		expect(item.json).toEqual(body);
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: 'MSG1.mp4' });
		expect((await bytesOf(item.binary?.data)).equals(plain)).toBe(true);
	});

	test("a file on Wappfly's host is fetched with the token, and decrypted", async () => {
		const plain = randomBytes(10_000);
		const encrypted = encryptMedia(plain, 'image');
		const url = server().addFile('/api/media/MSG1', {
			body: encrypted.encrypted,
			requireToken: true,
		});
		const trigger = await start(DOWNLOAD);
		const item = onlyItem((await trigger.post(mediaEnvelope(image, url, encrypted))).started);
		expect(item.json.mediaError).toBeUndefined();
		expect((await bytesOf(item.binary?.data)).equals(plain)).toBe(true);
		expect(server().fileRequests[0].headers['x-api-token']).toBe(server().token);
	});

	test('a file served already decrypted by Wappfly is recognised by its SHA-256', async () => {
		const plain = randomBytes(10_000);
		const encrypted = encryptMedia(plain, 'document');
		const url = server().addFile('/api/media/MSG2', {
			body: plain,
			contentType: 'application/pdf',
			fileName: 'from-wappfly.pdf',
			requireToken: true,
		});
		const trigger = await start(DOWNLOAD);
		const call = await trigger.post(
			mediaEnvelope({ ...CASES[3], fileName: undefined }, url, encrypted),
		);
		const item = onlyItem(call.started);
		expect(item.json.mediaError).toBeUndefined();
		expect(item.binary?.data).toMatchObject({
			fileName: 'from-wappfly.pdf',
			mimeType: 'application/pdf',
		});
		expect((await bytesOf(item.binary?.data)).equals(plain)).toBe(true);
	});

	test('a file on another host that wants a token does not get it', async () => {
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const url = cdn.route('/private.enc', (req, res) => {
			res.statusCode = req.headers['x-api-token'] ? 200 : 401;
			res.end(req.headers['x-api-token'] ? encrypted.encrypted : '{"error":"token"}');
		});
		const trigger = await start(DOWNLOAD);
		const item = onlyItem((await trigger.post(mediaEnvelope(image, url, encrypted))).started);
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the download was answered with HTTP 401',
		);
		expect(cdn.requests[0].headers['x-api-token']).toBeUndefined();
	});

	test("a redirect from Wappfly's host to another host does not carry the token there", async () => {
		const plain = randomBytes(5000);
		const encrypted = encryptMedia(plain, 'image');
		const target = cdn.serve('/cdn/file.enc', encrypted.encrypted);
		// Wappfly's host: the credential's Base URL. It redirects twice: on itself, then away.
		const wappfly = await startHost();
		try {
			wappfly.route('/media/a', (_req, res) => {
				res.writeHead(302, { Location: '/media/b' });
				res.end();
			});
			wappfly.route('/media/b', (_req, res) => {
				res.writeHead(307, { Location: target });
				res.end();
			});
			const trigger = await start(
				{ options: { downloadMedia: true, verifySession: false } },
				{ activate: false, credentials: { ...credentials(), baseUrl: wappfly.url } },
			);
			const call = await trigger.post(mediaEnvelope(image, `${wappfly.url}/media/a`, encrypted));
			const item = onlyItem(call.started);
			expect(item.json.mediaError).toBeUndefined();
			expect((await bytesOf(item.binary?.data)).equals(plain)).toBe(true);
			expect(wappfly.requests.map((request) => request.headers['x-api-token'])).toEqual([
				server().token,
				server().token,
			]);
			expect(cdn.requests).toHaveLength(1);
			expect(cdn.requests[0].headers['x-api-token']).toBeUndefined();
		} finally {
			await wappfly.close();
		}
	});

	test('a redirect loop ends with mediaError', async () => {
		cdn.route('/loop', (_req, res) => {
			res.writeHead(302, { Location: '/loop' });
			res.end();
		});
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const trigger = await start(DOWNLOAD);
		const item = onlyItem(
			(await trigger.post(mediaEnvelope(image, `${cdn.url}/loop`, encrypted))).started,
		);
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the download was redirected more than 5 times',
		);
		expect(cdn.requests).toHaveLength(6);
	});
});

test('Wappfly is answered before the file is downloaded', async () => {
	const plain = randomBytes(1000);
	const encrypted = encryptMedia(plain, 'image');
	let release: () => void = () => {};
	const released = new Promise<void>((resolve) => (release = resolve));
	let fileSent = false;
	// The CDN sends the file only once the caller has had its answer.
	const url = cdn.route('/slow.enc', (_req, res) => {
		void released.then(() => {
			fileSent = true;
			res.writeHead(200, { 'Content-Length': encrypted.encrypted.length });
			res.end(encrypted.encrypted);
		});
	});
	const trigger = await start(DOWNLOAD);
	let answeredBeforeTheFile = false;
	const call = await trigger.post(mediaEnvelope(CASES[0], url, encrypted), {
		onAnswer: () => {
			answeredBeforeTheFile = !fileSent;
			release();
		},
	});
	expect(answeredBeforeTheFile).toBe(true);
	expect(cdn.requests).toHaveLength(1);
	expect(call.status).toBe(200);
	expect(call.response).toEqual({ message: 'Workflow was started' });
	expect(call.receivedAt).toBeLessThanOrEqual(call.returnedAt);
	expect((await bytesOf(onlyItem(call.started).binary?.data)).equals(plain)).toBe(true);
});
