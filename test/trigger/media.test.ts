import { Container } from '@n8n/di';
import { randomBytes } from 'node:crypto';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { MediaKind } from '../../nodes/shared/message';
import { endlessBody, startHost, type Host } from '../harness/host';
import type { BinaryMode } from '../harness/n8n';
import { encryptMedia, envelope, type EncryptedMedia } from './fixtures';
import { useTrigger } from './helpers';

const { server, credentials, start } = useTrigger();

/**
 * WhatsApp's media servers (https://*.whatsapp.net) cannot be played on 127.0.0.1, so media is
 * served from where the trigger may also fetch it: the credential's Wappfly origin, i.e. the
 * contract server, or, for behaviours the contract server does not have (a stream without end, a
 * slow answer, a redirect loop), another local host set as the credential's Base URL.
 */
const hosts: Host[] = [];
async function host(): Promise<Host> {
	const started = await startHost();
	hosts.push(started);
	return started;
}
afterEach(async () => {
	await Promise.all(hosts.splice(0).map(async (started) => await started.close()));
});

/** A trigger whose credential's Base URL is `wappfly` (no session check: it has no /api/me). */
async function startOn(wappfly: Host, parameters: INodeParameters = DOWNLOAD) {
	const options = (parameters.options ?? {}) as INodeParameters;
	return await start(
		{ ...parameters, options: { downloadMedia: true, ...options, verifySession: false } },
		{ activate: false, credentials: { ...credentials(), baseUrl: wappfly.url } },
	);
}

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
const image = CASES[0];

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
		'%s: encrypted, decrypted bit-exact into the binary field "data"',
		async (_kind, media) => {
			const plain = randomBytes(256 * 1024 + 7);
			const encrypted = encryptMedia(plain, media.kind);
			const url = server().addFile(`/media/${media.kind}.enc`, {
				body: encrypted.encrypted,
				requireToken: true,
			});
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
			expect(server().fileRequests).toHaveLength(1);
			expect(server().fileRequests[0].headers['accept-encoding']).toBe('identity');
		},
	);
});

describe('a failed attachment never loses the message', () => {
	async function postImage(
		serveBody: (encrypted: EncryptedMedia) => Buffer,
		overrides: (encrypted: EncryptedMedia) => Record<string, unknown> = () => ({}),
		parameters: INodeParameters = DOWNLOAD,
	) {
		const plain = randomBytes(40_000);
		const encrypted = encryptMedia(plain, 'image');
		const url = server().addFile('/media/image.enc', { body: serveBody(encrypted) });
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
			const item = await postImage(
				({ encrypted }) => {
					const tampered = Buffer.from(encrypted);
					tampered[Math.min(index, tampered.length - 1)] ^= 0x80;
					return tampered;
				},
				// Without fileEncSha256, the MAC is what catches it.
				() => ({ fileEncSha256: undefined }),
			);
			expect(item.binary).toBeUndefined();
			expect(item.json.mediaError).toBe(
				'Could not attach the image: the file does not match its media key (MAC check failed): it is damaged or belongs to another message',
			);
		},
	);

	test('a byte flipped, with fileEncSha256: caught by it before decryption', async () => {
		const item = await postImage(({ encrypted }) => {
			const tampered = Buffer.from(encrypted);
			tampered[100] ^= 0x01;
			return tampered;
		});
		expect(item.binary).toBeUndefined();
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the downloaded file does not match its encrypted SHA-256 (fileEncSha256)',
		);
	});

	test('a fileEncSha256 that does not match: mediaError', async () => {
		const item = await postImage(
			({ encrypted }) => encrypted,
			() => ({ fileEncSha256: b64(randomBytes(32)) }),
		);
		expect(item.binary).toBeUndefined();
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the downloaded file does not match its encrypted SHA-256 (fileEncSha256)',
		);
	});

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

	test.each([
		['not a key!', 'the media key of the message is not readable'],
		[b64(randomBytes(16)), 'the media key has 16 bytes instead of 32'],
	])('a media key %j: mediaError, nothing downloaded', async (mediaKey, reason) => {
		const item = await postImage(
			({ encrypted }) => encrypted,
			() => ({ mediaKey }),
		);
		expect(item.json.mediaError).toBe(`Could not attach the image: ${reason}`);
		expect(server().fileRequests).toEqual([]);
	});

	test('HTTP 404 from the media host: mediaError', async () => {
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const trigger = await start(DOWNLOAD);
		const call = await trigger.post(
			mediaEnvelope(image, `${server().url}/media/gone.enc`, encrypted),
		);
		const item = onlyItem(call.started);
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the download was answered with HTTP 404',
		);
	});

	test('an unreachable host: mediaError', async () => {
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const trigger = await start(
			{ options: { downloadMedia: true, verifySession: false } },
			{ activate: false, credentials: { ...credentials(), baseUrl: 'http://127.0.0.1:9' } },
		);
		const call = await trigger.post(mediaEnvelope(image, 'http://127.0.0.1:9/x.enc', encrypted));
		// n8n's own wording for ECONNREFUSED.
		expect(onlyItem(call.started).json.mediaError).toBe(
			'Could not attach the image: the download failed: The service refused the connection - perhaps it is offline',
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
		expect(server().fileRequests).toHaveLength(0);
	});

	test('Max Media Size has an upper bound, whatever the option says', async () => {
		const item = await postImage(
			({ encrypted }) => encrypted,
			() => ({ fileLength: String(300 * 1024 * 1024) }),
			{ options: { downloadMedia: true, maxMediaSize: 100_000 } },
		);
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the file has 314572800 bytes, more than the Max Media Size of 256 MB',
		);
		expect(server().fileRequests).toHaveLength(0);
	});

	test('a file larger than Max Media Size despite what it announces is refused', async () => {
		const trigger = await start({ options: { downloadMedia: true, maxMediaSize: 1 } });
		const encrypted = encryptMedia(randomBytes(1024 * 1024 + 100), 'image');
		const url = server().addFile('/media/big.enc', { body: encrypted.encrypted });
		const call = await trigger.post(mediaEnvelope(image, url, encrypted, { fileLength: '1000' }));
		const item = onlyItem(call.started);
		expect(item.binary).toBeUndefined();
		expect(item.json.mediaError).toMatch(
			/^Could not attach the image: the file has \d+ bytes, more than the Max Media Size of 1 MB$/,
		);
	});

	test('a stream without Content-Length is cut off at Max Media Size', async () => {
		const wappfly = await host();
		const endless = endlessBody();
		const url = wappfly.route('/media/endless.enc', endless.handler);
		const trigger = await startOn(wappfly, { options: { maxMediaSize: 1 } });
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const call = await trigger.post(
			mediaEnvelope(image, url, encrypted, { fileLength: undefined }),
		);
		expect(onlyItem(call.started).json.mediaError).toBe(
			'Could not attach the image: the file is larger than the Max Media Size of 1 MB',
		);
		await endless.closed;
	});

	test('Simplify off: the envelope as received, with mediaError added', async () => {
		const item = await postImage(
			() => Buffer.from('not encrypted'),
			() => ({ fileEncSha256: undefined }),
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
	test('Download Media off (default): no download, no binary', async () => {
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const url = server().addFile('/media/image.enc', { body: encrypted.encrypted });
		const trigger = await start();
		const item = onlyItem((await trigger.post(mediaEnvelope(image, url, encrypted))).started);
		expect(item.binary).toBeUndefined();
		expect(item.json.mediaError).toBeUndefined();
		expect(server().fileRequests).toHaveLength(0);
	});

	test('Simplify off: the envelope exactly as received, and the file', async () => {
		const plain = randomBytes(3000);
		const encrypted = encryptMedia(plain, 'video');
		const url = server().addFile('/media/video.enc', { body: encrypted.encrypted });
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

	test('a file without a media key, from Wappfly, is attached as it is', async () => {
		const plain = Buffer.from('%PDF-1.7 plain from Wappfly');
		const url = server().addFile('/api/media/MSG3', { body: plain, requireToken: true });
		const trigger = await start(DOWNLOAD);
		const encrypted = encryptMedia(plain, 'document');
		const call = await trigger.post(
			mediaEnvelope(CASES[3], url, encrypted, {
				mediaKey: undefined,
				fileEncSha256: undefined,
			}),
		);
		const item = onlyItem(call.started);
		expect(item.json.mediaError).toBeUndefined();
		expect((await bytesOf(item.binary?.data)).equals(plain)).toBe(true);
	});

	test('redirects within Wappfly are followed with the token; a redirect away is not', async () => {
		const canary = await host();
		const encrypted = encryptMedia(randomBytes(5000), 'image');
		canary.serve('/cdn/file.enc', encrypted.encrypted);
		// Wappfly's host redirects twice: on itself, then away.
		server().addFile('/media/a', {
			body: Buffer.alloc(0),
			status: 302,
			headers: { location: '/media/b' },
		});
		server().addFile('/media/b', {
			body: Buffer.alloc(0),
			status: 307,
			headers: { location: `${canary.url}/cdn/file.enc` },
		});
		const trigger = await start(DOWNLOAD);
		const call = await trigger.post(mediaEnvelope(image, `${server().url}/media/a`, encrypted));
		const item = onlyItem(call.started);
		expect(item.binary).toBeUndefined();
		expect(item.json.mediaError).toBe(
			`Could not attach the image: the download was redirected to ${canary.url}/cdn/file.enc, and ${canary.url} is neither one of WhatsApp's media servers (https://*.whatsapp.net) nor the Wappfly Base URL of the credential: it was not followed`,
		);
		expect(server().fileRequests.map((request) => request.headers['x-api-token'])).toEqual([
			server().token,
			server().token,
		]);
		expect(canary.connections()).toBe(0);
	});

	test('a redirect loop ends with mediaError', async () => {
		const wappfly = await host();
		wappfly.route('/loop', (_req, res) => {
			res.writeHead(302, { Location: '/loop' });
			res.end();
		});
		const encrypted = encryptMedia(randomBytes(100), 'image');
		const trigger = await startOn(wappfly);
		const item = onlyItem(
			(await trigger.post(mediaEnvelope(image, `${wappfly.url}/loop`, encrypted))).started,
		);
		expect(item.json.mediaError).toBe(
			'Could not attach the image: the download was redirected more than 5 times',
		);
		expect(wappfly.requests).toHaveLength(6);
	});
});

describe('a forged webhook makes n8n fetch nothing', () => {
	const NOT_ALLOWED =
		"is neither one of WhatsApp's media servers (https://*.whatsapp.net) nor the Wappfly Base URL of the credential";

	/** Posts each payload; every message must come out, with mediaError, and nothing fetched. */
	async function postForged(
		cases: Array<[string, Record<string, unknown>, string]>,
		canary: Host,
	): Promise<void> {
		const encrypted = encryptMedia(randomBytes(1000), 'image');
		const trigger = await start(DOWNLOAD);
		for (const [name, fields, mediaError] of cases) {
			const call = await trigger.post(mediaEnvelope(image, undefined, encrypted, fields));
			expect({ name, status: call.status, error: call.error }).toEqual({
				name,
				status: 200,
				error: undefined,
			});
			const item = onlyItem(call.started);
			expect({ name, messageId: item.json.messageId, binary: item.binary }).toEqual({
				name,
				messageId: 'MSG1',
				binary: undefined,
			});
			expect({ name, mediaError: item.json.mediaError }).toEqual({
				name,
				mediaError: `Could not attach the image: ${mediaError}`,
			});
		}
		expect(canary.connections()).toBe(0);
		expect(canary.requests).toEqual([]);
		expect(server().fileRequests).toEqual([]);
	}

	test('encrypted media from 127.0.0.1 on another port, 169.254.169.254, http:// or an @host directPath', async () => {
		const canary = await host();
		await postForged(
			[
				['another port', { url: `${canary.url}/x.enc` }, `${canary.url} ${NOT_ALLOWED}`],
				[
					'cloud metadata',
					{ url: 'http://169.254.169.254/latest/meta-data/iam/' },
					`http://169.254.169.254 ${NOT_ALLOWED}`,
				],
				[
					'plain http to WhatsApp',
					{ url: 'http://mmg.whatsapp.net/v/t62/x.enc' },
					`http://mmg.whatsapp.net ${NOT_ALLOWED}`,
				],
				[
					'a look-alike host',
					{ url: 'https://mmg.whatsapp.net.evil.example/x.enc' },
					`https://mmg.whatsapp.net.evil.example ${NOT_ALLOWED}`,
				],
				[
					'user info',
					{ url: `http://${canary.host}@mmg.whatsapp.net/x.enc` },
					`http://mmg.whatsapp.net ${NOT_ALLOWED}`,
				],
				...(['@', '//', '\\\\', '/x@'] as const).map(
					(prefix): [string, Record<string, unknown>, string] => [
						`directPath ${prefix}host`,
						{ url: undefined, directPath: `${prefix}${canary.host}/x.enc` },
						'the directPath of the message is not a plain absolute path (one leading /, no //, @ or \\)',
					],
				),
			],
			canary,
		);
	});

	test('media without a media key from anywhere but Wappfly', async () => {
		const canary = await host();
		const plainRule = (where: string) =>
			`the file has no media key and ${where} is not the Wappfly Base URL of the credential`;
		await postForged(
			[
				['another port', { mediaKey: undefined, url: `${canary.url}/x` }, plainRule(canary.url)],
				[
					'cloud metadata',
					{ mediaKey: undefined, url: 'http://169.254.169.254/latest/meta-data/' },
					plainRule('http://169.254.169.254'),
				],
				[
					"WhatsApp's host",
					{ mediaKey: undefined, url: 'https://mmg.whatsapp.net/x' },
					plainRule('https://mmg.whatsapp.net'),
				],
				[
					'a directPath alone',
					{ mediaKey: undefined, url: undefined, directPath: '/v/t62/x.enc' },
					plainRule('https://mmg.whatsapp.net'),
				],
				['null media key', { mediaKey: null, url: `${canary.url}/x` }, plainRule(canary.url)],
			],
			canary,
		);
	});

	test('a redirect chain from Wappfly that ends on a private address fetches nothing there', async () => {
		const canary = await host();
		server().addFile('/media/hop1', {
			body: Buffer.alloc(0),
			status: 301,
			headers: { location: '/media/hop2' },
		});
		server().addFile('/media/hop2', {
			body: Buffer.alloc(0),
			status: 302,
			headers: { location: `${canary.url}/internal` },
		});
		server().addFile('/media/metadata', {
			body: Buffer.alloc(0),
			status: 307,
			headers: { location: 'http://169.254.169.254/latest/meta-data/' },
		});
		const encrypted = encryptMedia(randomBytes(1000), 'image');
		const trigger = await start(DOWNLOAD);
		for (const [first, target, where] of [
			['/media/hop1', `${canary.url}/internal`, canary.url],
			['/media/metadata', 'http://169.254.169.254/latest/meta-data/', 'http://169.254.169.254'],
		]) {
			for (const mediaKey of [b64(encrypted.mediaKey), undefined]) {
				const call = await trigger.post(
					mediaEnvelope(image, `${server().url}${first}`, encrypted, { mediaKey }),
				);
				const rule = mediaKey
					? `${where} ${NOT_ALLOWED}`
					: `the file has no media key and ${where} is not the Wappfly Base URL of the credential`;
				expect(onlyItem(call.started).json.mediaError).toBe(
					`Could not attach the image: the download was redirected to ${target}, and ${rule}: it was not followed`,
				);
			}
		}
		expect(canary.connections()).toBe(0);
	});
});

test('Wappfly is answered before the file is downloaded', async () => {
	const plain = randomBytes(1000);
	const encrypted = encryptMedia(plain, 'image');
	let release: () => void = () => {};
	const released = new Promise<void>((resolve) => (release = resolve));
	let fileSent = false;
	const wappfly = await host();
	// The media host sends the file only once the caller has had its answer.
	const url = wappfly.route('/slow.enc', (_req, res) => {
		void released.then(() => {
			fileSent = true;
			res.writeHead(200, { 'Content-Length': encrypted.encrypted.length });
			res.end(encrypted.encrypted);
		});
	});
	const trigger = await startOn(wappfly);
	let answeredBeforeTheFile = false;
	const call = await trigger.post(mediaEnvelope(image, url, encrypted), {
		onAnswer: () => {
			answeredBeforeTheFile = !fileSent;
			release();
		},
	});
	expect(answeredBeforeTheFile).toBe(true);
	expect(wappfly.requests).toHaveLength(1);
	expect(call.status).toBe(200);
	expect(call.response).toEqual({ message: 'Workflow was started' });
	expect(call.receivedAt).toBeLessThanOrEqual(call.returnedAt);
	expect((await bytesOf(onlyItem(call.started).binary?.data)).equals(plain)).toBe(true);
});
