import { createHash, randomBytes } from 'node:crypto';
import type { INodeParameters } from 'n8n-workflow';

import { byId, run, useWappflyServer } from '../harness/fixtures';
import type { BinaryMode, InputItem } from '../harness/n8n';
import { http } from '../support/node';

const { server, credentials } = useWappflyServer();

const ALICE = '15551234567@s.whatsapp.net';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function media(operation: string, extra: INodeParameters = {}): INodeParameters {
	return { resource: 'message', operation, to: byId(ALICE), ...extra };
}

function binaryItem(data: Buffer, fileName?: string, mimeType?: string, key = 'data'): InputItem[] {
	return [{ binary: { [key]: { data, fileName, mimeType } } }];
}

function lastSend() {
	const request = server().requests.at(-1);
	if (!request) throw new Error('nothing was sent');
	return { ...request, body: request.body as Record<string, unknown> };
}

describe.each<BinaryMode>(['default', 'filesystem'])(
	'binary data stored in %s mode',
	(binaryMode) => {
		test('a 3 MB image arrives byte for byte with its MIME type and caption', async () => {
			const bytes = randomBytes(3 * 1024 * 1024 + 1);
			const result = await run(
				credentials(),
				media('sendImage', { options: { caption: 'Our menu' } }),
				{
					binaryMode,
					items: binaryItem(bytes, 'menu.png', 'image/png'),
				},
			);
			expect(result.error).toBeUndefined();
			const sent = lastSend();
			expect(sent.path).toBe('/api/messages/image');
			expect(sent.file).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
			expect(sent.body).toEqual({
				to: ALICE,
				mimetype: 'image/png',
				caption: 'Our menu',
				file: expect.any(String),
			});
			expect(Number(sent.headers['content-length'])).toBe(sent.rawBodyBytes);
			expect(result.items).toEqual([
				{ json: { queued: true, msg_id: expect.any(String) }, pairedItem: { item: 0 } },
			]);
		});

		test('a document keeps the file name of the binary, from another binary field', async () => {
			const bytes = Buffer.from('%PDF-1.7\n' + 'x'.repeat(5000));
			await run(credentials(), media('sendDocument', { binaryPropertyName: 'invoice' }), {
				binaryMode,
				items: binaryItem(bytes, 'Invoice 2026-11.pdf', 'application/pdf', 'invoice'),
			});
			const sent = lastSend();
			expect(sent.path).toBe('/api/messages/document');
			expect(sent.body).toEqual({
				to: ALICE,
				filename: 'Invoice 2026-11.pdf',
				mimetype: 'application/pdf',
				file: expect.any(String),
			});
			expect(sent.file?.sha256).toBe(sha256(bytes));
		});

		test('an OGG file goes out as an Opus voice note', async () => {
			const bytes = Buffer.concat([Buffer.from('OggS'), randomBytes(2048)]);
			await run(credentials(), media('sendAudio'), {
				binaryMode,
				items: binaryItem(bytes, 'note.ogg', 'audio/ogg'),
			});
			const sent = lastSend();
			expect(sent.path).toBe('/api/messages/audio');
			expect(sent.body).toEqual({
				to: ALICE,
				mimetype: 'audio/ogg; codecs=opus',
				file: expect.any(String),
			});
			expect(sent.file?.sha256).toBe(sha256(bytes));
		});

		test('a video of every length modulo 3 survives base64 encoding', async () => {
			for (const size of [1, 2, 3, 65_536 + 1, 65_536 + 2]) {
				const bytes = randomBytes(size);
				await run(credentials(), media('sendVideo'), {
					binaryMode,
					items: binaryItem(bytes, 'clip.mp4', 'video/mp4'),
				});
				expect(lastSend().file).toEqual({ bytes: size, sha256: sha256(bytes) });
			}
		});
	},
);

test('memory-mode binary data is sent as the base64 n8n already holds', async () => {
	const bytes = randomBytes(1000);
	await run(credentials(), media('sendImage'), { items: binaryItem(bytes, 'a.jpg', 'image/jpeg') });
	expect(lastSend().file?.sha256).toBe(sha256(bytes));
	expect(lastSend().rawBodyBytes).toBe(
		JSON.stringify({ to: ALICE, mimetype: 'image/jpeg', file: bytes.toString('base64') }).length,
	);
});

test('the MIME type and file name options win over the file', async () => {
	const bytes = Buffer.from('a,b\n1,2\n');
	await run(
		credentials(),
		media('sendDocument', {
			options: { mimeType: 'text/csv', fileName: 'report.csv', caption: 'Weekly report' },
		}),
		{ items: binaryItem(bytes, 'export.bin', 'application/octet-stream') },
	);
	expect(lastSend().body).toEqual({
		to: ALICE,
		filename: 'report.csv',
		mimetype: 'text/csv',
		caption: 'Weekly report',
		file: expect.any(String),
	});
});

test('a file of unknown type is typed from its name, or by the kind of send', async () => {
	await run(credentials(), media('sendImage'), {
		items: binaryItem(randomBytes(10), 'photo.webp', 'application/octet-stream'),
	});
	expect(lastSend().body.mimetype).toBe('image/webp');
	await run(credentials(), media('sendImage'), {
		items: binaryItem(randomBytes(10), undefined, 'application/octet-stream'),
	});
	expect(lastSend().body.mimetype).toBe('image/jpeg');
	await run(credentials(), media('sendDocument'), {
		items: binaryItem(randomBytes(10), undefined, 'application/pdf'),
	});
	expect(lastSend().body.filename).toBe('document.pdf');
});

test('a MIME type override lets a mismatching file through', async () => {
	await run(credentials(), media('sendImage', { options: { mimeType: 'image/jpeg' } }), {
		items: binaryItem(randomBytes(10), 'scan.pdf', 'application/pdf'),
	});
	expect(lastSend().body.mimetype).toBe('image/jpeg');
});

describe('media from a URL', () => {
	test('is downloaded and sent with the name and type the URL gives', async () => {
		const bytes = randomBytes(200_000);
		const url = server().addFile('/files/q3.pdf', {
			body: bytes,
			contentType: 'application/pdf',
			fileName: 'Q3 report.pdf',
		});
		// Another origin than the credential's base URL: the token must not go there.
		const elsewhere = url.replace('127.0.0.1', 'localhost');
		const result = await run(
			credentials(),
			media('sendDocument', { mediaSource: 'url', url: elsewhere }),
		);
		expect(result.error).toBeUndefined();
		const sent = lastSend();
		expect(sent.body).toEqual({
			to: ALICE,
			filename: 'Q3 report.pdf',
			mimetype: 'application/pdf',
			file: expect.any(String),
		});
		expect(sent.file).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
		expect(server().fileRequests).toHaveLength(1);
		expect(server().fileRequests[0].headers['x-api-token']).toBeUndefined();
	});

	test('a file on the Wappfly host itself is fetched with the token', async () => {
		const bytes = randomBytes(3000);
		const url = server().addFile('/media/8/3EB0.jpg', {
			body: bytes,
			contentType: 'image/jpeg',
			requireToken: true,
		});
		const result = await run(credentials(), media('sendImage', { mediaSource: 'url', url }));
		expect(result.error).toBeUndefined();
		expect(server().fileRequests[0].headers['x-api-token']).toBe(server().token);
		expect(lastSend().file?.sha256).toBe(sha256(bytes));
	});

	test('takes the file name from the URL path when there is no Content-Disposition', async () => {
		const bytes = randomBytes(5000);
		const url = server().addFile('/img/cat.png', { body: bytes, contentType: 'image/png' });
		await run(credentials(), media('sendImage', { mediaSource: 'url', url: `${url}?size=large` }));
		expect(lastSend().body.mimetype).toBe('image/png');
		expect(lastSend().file?.sha256).toBe(sha256(bytes));
	});

	test('a URL that answers 404 fails before anything is sent to Wappfly', async () => {
		const url = server().addFile('/gone.pdf', { body: Buffer.from('nope'), status: 404 });
		const result = await run(credentials(), media('sendDocument', { mediaSource: 'url', url }));
		expect(result.error?.message).toBe(
			`Could not download the media from ${url}: HTTP 404 (item 0)`,
		);
		expect(result.error?.description).toMatch(/needs no login/);
		expect(server().requests).toEqual([]);
	});

	test('a downloaded file of the wrong kind is refused before it is sent', async () => {
		const url = server().addFile('/doc.pdf', {
			body: Buffer.from('%PDF'),
			contentType: 'application/pdf',
		});
		const result = await run(credentials(), media('sendVideo', { mediaSource: 'url', url }));
		expect(result.error?.message).toMatch(/application\/pdf, not a video/);
		expect(server().requests).toEqual([]);
	});
});

describe('media as a base64 string', () => {
	test('with a data: URL prefix, whose type is used', async () => {
		const bytes = randomBytes(4097);
		await run(
			credentials(),
			media('sendImage', {
				mediaSource: 'base64',
				base64: `data:image/gif;base64,${bytes.toString('base64')}`,
			}),
		);
		expect(lastSend().body.mimetype).toBe('image/gif');
		expect(lastSend().file).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
	});

	test('unpadded, url-safe and wrapped over lines', async () => {
		const bytes = randomBytes(1001);
		const wrapped = bytes.toString('base64url').replace(/(.{76})/g, '$1\n');
		await run(credentials(), media('sendDocument', { mediaSource: 'base64', base64: wrapped }));
		expect(lastSend().file).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
		expect(lastSend().body.mimetype).toBe('application/octet-stream');
	});
});

test('an upload that is redirected is not followed: the body would have to be held in memory', async () => {
	const redirecting = http.createServer((request, response) => {
		request.resume();
		response.writeHead(307, { location: `${server().url}${request.url}` });
		response.end();
	});
	await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
	const { port } = redirecting.address() as { port: number };
	try {
		const result = await run(
			{ ...credentials(), baseUrl: `http://127.0.0.1:${port}` },
			media('sendImage'),
			{ items: binaryItem(randomBytes(1000), 'a.png', 'image/png') },
		);
		expect(result.error?.message).toBe(
			`Wappfly redirected the request (HTTP 307) to ${server().url}/api/messages/image`,
		);
		expect(result.error?.description).toMatch(/Set the Base URL/);
		expect(server().requests).toEqual([]);
	} finally {
		redirecting.close();
	}
});
