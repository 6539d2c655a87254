import type { IBinaryData, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	base64ByteLength,
	fileNameFromContentDisposition,
	fileNameFromUrl,
	knownMimeType,
	parseBase64,
	type MediaBytes,
} from '../../../shared/media';
import { discard, headerValue, openDownload, type OpenedDownload } from '../../../shared/transport';
import { asText, invalidParameter } from '../parameters';

/** The file to send, once it is known where its bytes come from. */
export interface MediaFile {
	bytes: MediaBytes;
	mimeType?: string;
	fileName?: string;
}

export type MediaSource = 'binary' | 'url' | 'base64';

export const mediaSourceProperties: INodeProperties[] = [
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		noDataExpression: true,
		default: 'binary',
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description:
					'A file in a binary field of the input item, e.g. from Read/Write Files From Disk or HTTP Request',
			},
			{
				name: 'URL',
				value: 'url',
				description: 'A public link to the file; n8n downloads it and sends the bytes',
			},
			{
				name: 'Base64',
				value: 'base64',
				description: 'The file as a base64 string (a data: URL prefix is accepted)',
			},
		],
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { mediaSource: ['binary'] } },
		hint: 'The name of the input binary field containing the file to send',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/invoice.pdf',
		displayOptions: { show: { mediaSource: ['url'] } },
		description: 'Link to the file. The file name and MIME type are read from the answer.',
	},
	{
		displayName: 'Base64 Data',
		name: 'base64',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		displayOptions: { show: { mediaSource: ['base64'] } },
		description: 'The file encoded in base64',
	},
];

function emptyFileError(ctx: IExecuteFunctions, itemIndex: number, what: string) {
	return invalidParameter(
		ctx,
		itemIndex,
		`${what} is empty (0 bytes)`,
		'WhatsApp cannot send an empty file. Check the node that produced it.',
	);
}

function binaryFieldOf(ctx: IExecuteFunctions, itemIndex: number): IBinaryData {
	const name = asText(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	if (!binary[name]) {
		const present = Object.keys(binary);
		throw invalidParameter(
			ctx,
			itemIndex,
			`The input item has no binary field "${name}"`,
			present.length
				? `Its binary fields are: ${present.join(', ')}. Set Input Binary Field to one of them.`
				: 'It has no binary data at all. Add a node that reads the file first (Read/Write Files From Disk, HTTP Request, ...) or choose the URL or Base64 media source.',
		);
	}
	return ctx.helpers.assertBinaryData(itemIndex, name);
}

async function fromBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<() => Promise<MediaFile>> {
	const binary = binaryFieldOf(ctx, itemIndex);
	const meta = { mimeType: binary.mimeType || undefined, fileName: binary.fileName };
	const { id } = binary;
	if (id) {
		// Stored outside the execution (filesystem, S3): stream it instead of loading it.
		const { fileSize } = await ctx.helpers.getBinaryMetadata(id);
		if (!fileSize) throw emptyFileError(ctx, itemIndex, `Binary field "${binary.fileName ?? ''}"`);
		return async () => ({
			...meta,
			bytes: {
				kind: 'stream',
				byteLength: fileSize,
				open: async () => await ctx.helpers.getBinaryStream(id),
			},
		});
	}
	// In memory n8n already holds the bytes as base64: they are sent as they are.
	const byteLength = base64ByteLength(binary.data);
	if (!byteLength) throw emptyFileError(ctx, itemIndex, 'The binary file');
	return async () => ({ ...meta, bytes: { kind: 'base64', base64: binary.data, byteLength } });
}

function fromBase64(ctx: IExecuteFunctions, itemIndex: number): () => Promise<MediaFile> {
	const parsed = parseBase64(ctx.getNodeParameter('base64', itemIndex, ''));
	if (!parsed.ok) {
		if (parsed.reason === 'it is empty') throw emptyFileError(ctx, itemIndex, 'Base64 Data');
		throw invalidParameter(
			ctx,
			itemIndex,
			`Base64 Data is not valid base64: ${parsed.reason}`,
			'Provide the file encoded in base64 (A–Z, a–z, 0–9, +, /), optionally prefixed by data:<type>;base64,.',
		);
	}
	const { base64, byteLength, mimeType } = parsed;
	return async () => ({ mimeType, bytes: { kind: 'base64', base64, byteLength } });
}

function fromUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	timeoutMs: number,
): () => Promise<MediaFile> {
	const raw = asText(ctx.getNodeParameter('url', itemIndex, '')).trim();
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		url = new URL('invalid:');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw invalidParameter(
			ctx,
			itemIndex,
			raw === '' ? 'URL is empty' : `Invalid URL "${raw}"`,
			'Enter a full http:// or https:// link to the file, e.g. https://example.com/invoice.pdf.',
		);
	}

	return async () => {
		let download: OpenedDownload;
		try {
			download = await openDownload.call(ctx, url.href, timeoutMs);
		} catch (error) {
			throw invalidParameter(
				ctx,
				itemIndex,
				`Could not download the media from ${url.href}: ${(error as Error).message}`,
				'Check that the URL is reachable from the n8n host.',
			);
		}
		const { body, headers, statusCode } = download;
		if (statusCode >= 300) {
			discard(body);
			throw invalidParameter(
				ctx,
				itemIndex,
				`Could not download the media from ${url.href}: HTTP ${statusCode}`,
				'Check that the URL points at the file and needs no login.',
			);
		}
		const mimeType = headerValue(headers, 'content-type')?.split(';')[0].trim() || undefined;
		const fileName =
			fileNameFromContentDisposition(headerValue(headers, 'content-disposition')) ??
			fileNameFromUrl(download.url);
		const declaredLength = Number(headerValue(headers, 'content-length'));
		const encoded = (headerValue(headers, 'content-encoding') ?? 'identity') !== 'identity';
		let bytes: MediaBytes;
		if (Number.isSafeInteger(declaredLength) && declaredLength > 0 && !encoded) {
			bytes = {
				kind: 'stream',
				byteLength: declaredLength,
				open: async () => body as AsyncIterable<Uint8Array>,
			};
		} else {
			// Without a trustworthy length the body must be counted before it can be announced.
			const buffer = await ctx.helpers.binaryToBuffer(
				body as unknown as Parameters<typeof ctx.helpers.binaryToBuffer>[0],
			);
			bytes = { kind: 'stream', byteLength: buffer.length, open: async () => [buffer] };
		}
		if (!bytes.byteLength) throw emptyFileError(ctx, itemIndex, `The file at ${url.href}`);
		return {
			mimeType: knownMimeType(mimeType),
			fileName,
			bytes,
		};
	};
}

/**
 * Validates where the item's media comes from, without reading it; the returned function
 * reads (or downloads) it when the item is sent.
 */
export async function prepareMediaFile(
	this: IExecuteFunctions,
	itemIndex: number,
	timeoutMs: number,
): Promise<() => Promise<MediaFile>> {
	const source = this.getNodeParameter('mediaSource', itemIndex, 'binary') as MediaSource;
	if (source === 'binary') return await fromBinary(this, itemIndex);
	if (source === 'base64') return fromBase64(this, itemIndex);
	return fromUrl(this, itemIndex, timeoutMs);
}
