import { randomBytes } from 'node:crypto';

import {
	base64ByteLength,
	base64Encode,
	base64EncodedLength,
	extensionFromMimeType,
	fileNameFromContentDisposition,
	fileNameFromUrl,
	jsonBodyWithFile,
	mimeTypeFromFileName,
	parseBase64,
	StreamedJsonBody,
} from '../../nodes/shared/media';

async function* chunked(bytes: Buffer, sizes: number[]) {
	let offset = 0;
	for (let i = 0; offset < bytes.length; i++) {
		const size = sizes[i % sizes.length];
		yield bytes.subarray(offset, offset + size);
		offset += size;
	}
}

async function collect(body: StreamedJsonBody): Promise<Buffer> {
	const parts: Buffer[] = [];
	for await (const chunk of body.stream()) parts.push(Buffer.from(chunk));
	return Buffer.concat(parts);
}

describe('base64Encode', () => {
	test.each([
		[0, [1]],
		[1, [1]],
		[2, [1]],
		[3, [2]],
		[1000, [1, 2, 3, 4, 5]],
		[65_537, [7, 65_536]],
		[100_000, [3]],
	])('%i bytes in chunks of %j match Buffer.toString("base64")', async (size, sizes) => {
		const bytes = randomBytes(size);
		let encoded = '';
		for await (const piece of base64Encode(chunked(bytes, sizes))) encoded += piece;
		expect(encoded).toBe(bytes.toString('base64'));
		expect(encoded.length).toBe(base64EncodedLength(size));
	});
});

describe('jsonBodyWithFile', () => {
	test('a base64 source gives the exact JSON, with the announced size', async () => {
		const bytes = randomBytes(3 * 1024 * 1024 + 2);
		const base64 = bytes.toString('base64');
		const body = jsonBodyWithFile(
			{ to: '1@s.whatsapp.net', caption: 'Ünïcödé ✓', filename: undefined },
			{ kind: 'base64', base64, byteLength: bytes.length },
		);
		const sent = await collect(body);
		expect(sent.length).toBe(body.size);
		expect(JSON.parse(sent.toString())).toEqual({
			to: '1@s.whatsapp.net',
			caption: 'Ünïcödé ✓',
			file: base64,
		});
		expect(body.type).toBe('application/json');
		expect(Object.prototype.toString.call(body)).toBe('[object Blob]');
	});

	test('a byte stream is encoded on the fly', async () => {
		const bytes = randomBytes(70_001);
		const body = jsonBodyWithFile(
			{},
			{ kind: 'stream', byteLength: bytes.length, open: async () => chunked(bytes, [4096, 1, 2]) },
		);
		const sent = await collect(body);
		expect(sent.length).toBe(body.size);
		expect(JSON.parse(sent.toString())).toEqual({ file: bytes.toString('base64') });
	});

	test.each([
		[10, 9, /ended after 9 of the announced 10 bytes/],
		[10, 11, /longer than the announced 10 bytes/],
	])(
		'a stream announcing %i bytes that yields %i fails instead of sending a corrupt body',
		async (announced, actual, error) => {
			const body = jsonBodyWithFile(
				{ to: 'x' },
				{ kind: 'stream', byteLength: announced, open: async () => [randomBytes(actual)] },
			);
			await expect(collect(body)).rejects.toThrow(error);
		},
	);
});

describe('parseBase64', () => {
	const bytes = randomBytes(101);
	test.each([
		['plain', bytes.toString('base64')],
		['unpadded', bytes.toString('base64').replace(/=+$/, '')],
		['url-safe', bytes.toString('base64url')],
		['wrapped', bytes.toString('base64').replace(/(.{20})/g, '$1\r\n')],
		['data URL', `data:image/png;base64,${bytes.toString('base64')}`],
	])('%s', (_name, input) => {
		const parsed = parseBase64(input);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(Buffer.from(parsed.base64, 'base64').equals(bytes)).toBe(true);
		expect(parsed.base64).toBe(bytes.toString('base64'));
		expect(parsed.byteLength).toBe(101);
		expect(base64ByteLength(parsed.base64)).toBe(101);
	});

	test('keeps the MIME type of a data URL', () => {
		expect(parseBase64('data:application/pdf;base64,JVBERg==')).toMatchObject({
			ok: true,
			mimeType: 'application/pdf',
		});
	});

	test.each([
		[undefined, 'it is empty'],
		['', 'it is empty'],
		['====', 'not base64'],
		['abc$', 'not base64'],
		['QUJDR', 'length is not valid'],
		[42, 'not text'],
	])('rejects %j', (input, reason) => {
		const parsed = parseBase64(input);
		expect(parsed.ok ? '' : parsed.reason).toContain(reason);
	});
});

test('file names and MIME types', () => {
	expect(mimeTypeFromFileName('Report.PDF')).toBe('application/pdf');
	expect(mimeTypeFromFileName('voice.opus')).toBe('audio/ogg');
	expect(mimeTypeFromFileName('README')).toBeUndefined();
	expect(mimeTypeFromFileName(undefined)).toBeUndefined();
	expect(extensionFromMimeType('image/jpeg')).toBe('jpg');
	expect(extensionFromMimeType('audio/ogg; codecs=opus')).toBe('ogg');
	expect(extensionFromMimeType('application/x-unknown')).toBeUndefined();
	expect(fileNameFromUrl('https://example.com/a/b/Invoice%2042.pdf?x=1')).toBe('Invoice 42.pdf');
	expect(fileNameFromUrl('https://example.com/download')).toBeUndefined();
	expect(fileNameFromUrl('not a url')).toBeUndefined();
	expect(fileNameFromContentDisposition('attachment; filename="a b.pdf"')).toBe('a b.pdf');
	expect(
		fileNameFromContentDisposition("attachment; filename=x.pdf; filename*=UTF-8''%C3%A4.pdf"),
	).toBe('ä.pdf');
	expect(fileNameFromContentDisposition('inline')).toBeUndefined();
	expect(fileNameFromContentDisposition(undefined)).toBeUndefined();
});
