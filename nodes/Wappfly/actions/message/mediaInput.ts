import type { IBinaryData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	base64ByteLength,
	DEFAULT_MAX_MEDIA_MB,
	fileNameFromContentDisposition,
	fileNameFromUrl,
	knownMimeType,
	parseBase64,
	type MediaBytes,
} from '../../../shared/media';
import {
	discard,
	headerValue,
	megabytes,
	openDownload,
	spoolDownload,
	type OpenedDownload,
} from '../../../shared/transport';
import { asText, getOptions, invalidParameter } from '../parameters';

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

/** WhatsApp's own limit for documents; media sends refuse a higher Max Media Size. */
export const MAX_MEDIA_SIZE_LIMIT_MB = 2048;

export const maxMediaSizeOption: INodeProperties = {
	displayName: 'Max Media Size (MB)',
	name: 'maxMediaSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_MEDIA_SIZE_LIMIT_MB },
	default: DEFAULT_MAX_MEDIA_MB,
	description:
		'Larger files are refused before anything is sent to Wappfly. A download from a URL stops as soon as it goes over.',
};

const RAISE_MAX_MEDIA_SIZE =
	'Raise Options > Max Media Size (MB), or send a smaller file (WhatsApp shows images, videos and audio up to 16 MB; send larger videos as documents).';

/** The item's Max Media Size in bytes; `options`: the item's Options when already read. */
export function getMaxMediaBytes(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options?: IDataObject,
): number {
	const value = (options ?? getOptions.call(ctx, itemIndex)).maxMediaSize ?? DEFAULT_MAX_MEDIA_MB;
	if (
		typeof value !== 'number' ||
		!Number.isFinite(value) ||
		value <= 0 ||
		value > MAX_MEDIA_SIZE_LIMIT_MB
	) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`Invalid Max Media Size (MB) "${asText(value)}"`,
			`Max Media Size is a number of megabytes from 1 to ${MAX_MEDIA_SIZE_LIMIT_MB}, e.g. ${DEFAULT_MAX_MEDIA_MB}.`,
		);
	}
	return Math.floor(value * 1024 * 1024);
}

function checkSize(
	ctx: IExecuteFunctions,
	itemIndex: number,
	byteLength: number,
	maxBytes: number,
) {
	if (byteLength > maxBytes) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`The file has ${byteLength} bytes, more than the Max Media Size of ${megabytes(maxBytes)}`,
			RAISE_MAX_MEDIA_SIZE,
		);
	}
}

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

/**
 * The bytes of a file n8n holds: stored outside the execution (filesystem, S3), it is streamed
 * instead of loaded; in memory n8n already holds it as base64, which is sent as it is.
 */
async function bytesOf(ctx: IExecuteFunctions, binary: IBinaryData): Promise<MediaBytes> {
	const { id } = binary;
	if (id) {
		const { fileSize } = await ctx.helpers.getBinaryMetadata(id);
		return {
			kind: 'stream',
			byteLength: fileSize,
			open: async () => await ctx.helpers.getBinaryStream(id),
		};
	}
	return { kind: 'base64', base64: binary.data, byteLength: base64ByteLength(binary.data) };
}

async function fromBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	maxBytes: number,
): Promise<() => Promise<MediaFile>> {
	const binary = binaryFieldOf(ctx, itemIndex);
	const meta = { mimeType: binary.mimeType || undefined, fileName: binary.fileName };
	const bytes = await bytesOf(ctx, binary);
	if (!bytes.byteLength) {
		throw emptyFileError(
			ctx,
			itemIndex,
			binary.id ? `Binary field "${binary.fileName ?? ''}"` : 'The binary file',
		);
	}
	checkSize(ctx, itemIndex, bytes.byteLength, maxBytes);
	return async () => ({ ...meta, bytes });
}

function fromBase64(
	ctx: IExecuteFunctions,
	itemIndex: number,
	maxBytes: number,
): () => Promise<MediaFile> {
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
	checkSize(ctx, itemIndex, byteLength, maxBytes);
	return async () => ({ mimeType, bytes: { kind: 'base64', base64, byteLength } });
}

function fromUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	timeoutMs: number,
	maxBytes: number,
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
		// Stored first, with its length counted: the upload then announces exactly what it sends,
		// and starts only once the whole file is there.
		const spooled = await spoolDownload.call(ctx, download, { maxBytes, fileName, mimeType });
		if (!spooled.ok) {
			throw invalidParameter(
				ctx,
				itemIndex,
				`Could not download the media from ${url.href}: ${spooled.reason}`,
				spooled.tooLarge
					? RAISE_MAX_MEDIA_SIZE
					: 'Check that the URL is reachable from the n8n host and serves the whole file.',
			);
		}
		const bytes = await bytesOf(ctx, spooled.binary);
		if (!bytes.byteLength) throw emptyFileError(ctx, itemIndex, `The file at ${url.href}`);
		return {
			mimeType: knownMimeType(mimeType),
			fileName,
			bytes,
		};
	};
}

/**
 * Validates where the item's media comes from, without reading it; `readFile` reads (or
 * downloads) it when the item is sent.
 */
export async function prepareMediaFile(
	this: IExecuteFunctions,
	itemIndex: number,
	timeoutMs: number,
	maxBytes: number,
): Promise<{ source: MediaSource; readFile: () => Promise<MediaFile> }> {
	const source = this.getNodeParameter('mediaSource', itemIndex, 'binary') as MediaSource;
	if (source === 'binary') return { source, readFile: await fromBinary(this, itemIndex, maxBytes) };
	if (source === 'base64') return { source, readFile: fromBase64(this, itemIndex, maxBytes) };
	return { source, readFile: fromUrl(this, itemIndex, timeoutMs, maxBytes) };
}
