/**
 * Send and Wait for Response: n8n's human-in-the-loop pattern over WhatsApp. The message goes out
 * with links to the resume URL n8n signs for this execution; the execution waits until the
 * recipient answers through a link (or until Limit Wait Time), then `webhook()` below turns the
 * answer into the node's output, shaped like n8n's own send-and-wait nodes': `{ data: { approved
 * } }`, `{ data: { text } }` or `{ data: { <field label>: value } }`.
 *
 * Parameter names follow n8n's own send-and-wait nodes (Slack, Telegram, WhatsApp Business Cloud).
 */
import {
	NodeOperationError,
	WAIT_INDEFINITELY,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type IWebhookDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS, wappflyApiRequest } from '../../../shared/transport';
import { recipient, timeoutOption } from '../common.descriptions';
import {
	MAX_TEXT_LENGTH,
	asText,
	getChatJid,
	getOptions,
	getText,
	getTimeout,
	invalidParameter,
} from '../parameters';
import { asError, errorItem } from '../itemErrors';
import type { WholeInputOperation } from '../types';
import {
	FIELD_TYPES,
	RECORDED_PAGE,
	approvalPage,
	errorPage,
	formPage,
	parseFormFields,
	readSubmission,
	type FormField,
} from './responsePage';

type ResponseType = 'approval' | 'freeText' | 'customForm';

interface ApprovalOptions {
	approvalType?: 'single' | 'double';
	approveLabel?: string;
	disapproveLabel?: string;
}

interface LimitWaitTime {
	limitType?: 'afterTimeInterval' | 'atSpecifiedTime';
	resumeAmount?: number;
	resumeUnit?: 'minutes' | 'hours' | 'days';
	maxDateAndTime?: string;
}

interface WaitOptions {
	limitWaitTime?: { values?: LimitWaitTime };
	messageButtonLabel?: string;
	responseFormTitle?: string;
	responseFormDescription?: string;
	responseFormButtonLabel?: string;
}

const DEFAULT_APPROVE_LABEL = '✓ Approve';
const DEFAULT_DISAPPROVE_LABEL = '✗ Decline';
const DEFAULT_FORM_JSON = `[
  { "fieldLabel": "Name", "placeholder": "enter your name", "requiredField": true },
  { "fieldLabel": "Quantity", "fieldType": "number" },
  { "fieldLabel": "Delivery", "fieldType": "dropdown", "fieldOptions": { "values": [{ "option": "Pick-up" }, { "option": "Courier" }] } }
]`;
/** n8n's own name for the Free Text form's one field. */
const FREE_TEXT_FIELD: FormField = {
	label: 'Response',
	type: 'textarea',
	required: true,
	placeholder: '',
	choices: [],
};

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** GET shows a page, POST records the answer; both at `<resume URL>/<node id>`, as n8n's own. */
export const sendAndWaitWebhooks: IWebhookDescription[] = ['GET', 'POST'].map((httpMethod) => ({
	name: 'default',
	httpMethod,
	responseMode: 'onReceived',
	responseData: '',
	path: '={{ $nodeId }}',
	restartWebhook: true,
	isFullPath: true,
}));

export const SEND_AND_WAIT_TOOLTIP =
	'={{ $parameter["operation"] === "sendAndWait" ? "Execution will continue after the user\'s response" : "" }}';

const limitWaitTime: INodeProperties = {
	displayName: 'Limit Wait Time',
	name: 'limitWaitTime',
	type: 'fixedCollection',
	description:
		'Whether the workflow will automatically resume execution after the specified limit type. It then outputs its input items unchanged, without a data field.',
	default: { values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' } },
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Limit Type',
					name: 'limitType',
					type: 'options',
					default: 'afterTimeInterval',
					description:
						'Sets the condition for the execution to resume. Can be a specified date or after some time.',
					options: [
						{
							name: 'After Time Interval',
							description: 'Waits for a certain amount of time',
							value: 'afterTimeInterval',
						},
						{
							name: 'At Specified Time',
							description: 'Waits until the set date and time to continue',
							value: 'atSpecifiedTime',
						},
					],
				},
				{
					displayName: 'Amount',
					name: 'resumeAmount',
					type: 'number',
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
					typeOptions: { minValue: 0, numberPrecision: 2 },
					default: 45,
					description: 'The time to wait',
				},
				{
					displayName: 'Unit',
					name: 'resumeUnit',
					type: 'options',
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
					options: [
						{ name: 'Minutes', value: 'minutes' },
						{ name: 'Hours', value: 'hours' },
						{ name: 'Days', value: 'days' },
					],
					default: 'minutes',
					description: 'Unit of the interval value',
				},
				{
					displayName: 'Max Date and Time',
					name: 'maxDateAndTime',
					type: 'dateTime',
					displayOptions: { show: { limitType: ['atSpecifiedTime'] } },
					default: '',
					description: 'Continue execution after the specified date and time',
				},
			],
		},
	],
};

const formFieldValues: INodeProperties[] = [
	{
		displayName: 'Field Name',
		name: 'fieldLabel',
		type: 'string',
		default: '',
		placeholder: 'e.g. What is your name?',
		description: 'Label shown above the field, and the name of the field in the output',
		required: true,
	},
	{
		displayName: 'Element Type',
		name: 'fieldType',
		type: 'options',
		default: 'text',
		description: 'The type of field to add to the form',
		options: Object.entries(FIELD_TYPES).map(([value, name]) => ({ name, value })),
		required: true,
	},
	{
		displayName: 'Placeholder',
		name: 'placeholder',
		type: 'string',
		default: '',
		description: 'Sample text to display inside the field',
		displayOptions: { hide: { fieldType: ['dropdown', 'date', 'radio', 'checkbox'] } },
	},
	{
		displayName: 'Field Options',
		name: 'fieldOptions',
		placeholder: 'Add Field Option',
		description: 'The options the recipient can choose from',
		type: 'fixedCollection',
		default: { values: [{ option: '' }] },
		required: true,
		displayOptions: { show: { fieldType: ['dropdown', 'radio', 'checkbox'] } },
		typeOptions: { multipleValues: true, sortable: true },
		options: [
			{
				displayName: 'Values',
				name: 'values',
				values: [{ displayName: 'Option', name: 'option', type: 'string', default: '' }],
			},
		],
	},
	{
		displayName: 'Required Field',
		name: 'requiredField',
		type: 'boolean',
		default: false,
		description:
			'Whether to require the recipient to fill in this field before submitting the form',
	},
];

const formOptions: INodeProperties[] = [
	{
		displayName: 'Message Button Label',
		name: 'messageButtonLabel',
		type: 'string',
		default: 'Respond',
		description: 'The text shown before the link to the form in the WhatsApp message',
	},
	{
		displayName: 'Response Form Title',
		name: 'responseFormTitle',
		description: 'Title of the form that the user can access to provide their response',
		type: 'string',
		default: '',
	},
	{
		displayName: 'Response Form Description',
		name: 'responseFormDescription',
		description:
			'Description of the form that the user can access to provide their response. By default the message.',
		type: 'string',
		default: '',
	},
	{
		displayName: 'Response Form Button Label',
		name: 'responseFormButtonLabel',
		type: 'string',
		default: 'Submit',
	},
];

const properties: INodeProperties[] = [
	recipient,
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 4 },
		description: 'The text to send. The response links are added below it.',
	},
	{
		displayName: 'Response Type',
		name: 'responseType',
		type: 'options',
		default: 'approval',
		options: [
			{
				name: 'Approval',
				value: 'approval',
				description: 'User can approve/disapprove from within the message',
			},
			{
				name: 'Free Text',
				value: 'freeText',
				description: 'User can submit a response via a form',
			},
			{
				name: 'Custom Form',
				value: 'customForm',
				description: 'User can submit a response via a custom form',
			},
		],
	},
	{
		displayName: 'Define Form',
		name: 'defineForm',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Using Fields Below', value: 'fields' },
			{ name: 'Using JSON', value: 'json' },
		],
		default: 'fields',
		displayOptions: { show: { responseType: ['customForm'] } },
	},
	{
		displayName: 'Form Fields',
		name: 'jsonOutput',
		type: 'json',
		typeOptions: { rows: 5 },
		default: DEFAULT_FORM_JSON,
		hint: 'An array of fields: fieldLabel, fieldType (text, textarea, number, email, password, date, dropdown, radio, checkbox), requiredField, placeholder, fieldOptions',
		displayOptions: { show: { responseType: ['customForm'], defineForm: ['json'] } },
	},
	{
		displayName: 'Form Elements',
		name: 'formFields',
		placeholder: 'Add Form Element',
		type: 'fixedCollection',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		displayOptions: { show: { responseType: ['customForm'], defineForm: ['fields'] } },
		options: [{ displayName: 'Values', name: 'values', values: formFieldValues }],
	},
	{
		displayName: 'Approval Options',
		name: 'approvalOptions',
		type: 'fixedCollection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { responseType: ['approval'] } },
		options: [
			{
				displayName: 'Values',
				name: 'values',
				values: [
					{
						displayName: 'Type of Approval',
						name: 'approvalType',
						type: 'options',
						default: 'single',
						options: [
							{ name: 'Approve Only', value: 'single' },
							{ name: 'Approve and Disapprove', value: 'double' },
						],
					},
					{
						displayName: 'Approve Button Label',
						name: 'approveLabel',
						type: 'string',
						default: DEFAULT_APPROVE_LABEL,
					},
					{
						displayName: 'Disapprove Button Label',
						name: 'disapproveLabel',
						type: 'string',
						default: DEFAULT_DISAPPROVE_LABEL,
						displayOptions: { show: { approvalType: ['double'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { responseType: ['approval'] } },
		options: [limitWaitTime, timeoutOption(DEFAULT_TIMEOUT_MS)],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { responseType: ['freeText', 'customForm'] } },
		options: [limitWaitTime, ...formOptions, timeoutOption(DEFAULT_TIMEOUT_MS)],
	},
];

interface Link {
	label: string;
	approved: 'true' | 'false';
}

/** Reads a parameter of the first item, in the execution or in the webhook that resumes it. */
type Read = (name: string, fallback: unknown) => unknown;

function approvalOptionsOf(read: Read): ApprovalOptions {
	return (read('approvalOptions.values', {}) ?? {}) as ApprovalOptions;
}

function labelOf(value: unknown, fallback: string): string {
	return asText(value).trim() || fallback;
}

/** The links under the message, in n8n's order (decline before approve). */
function linksFor(responseType: ResponseType, approval: ApprovalOptions, options: WaitOptions) {
	const links: Link[] = [];
	if (responseType !== 'approval') {
		links.push({ label: labelOf(options.messageButtonLabel, 'Respond'), approved: 'true' });
	} else {
		if (approval.approvalType === 'double') {
			links.push({
				label: labelOf(approval.disapproveLabel, DEFAULT_DISAPPROVE_LABEL),
				approved: 'false',
			});
		}
		links.push({ label: labelOf(approval.approveLabel, DEFAULT_APPROVE_LABEL), approved: 'true' });
	}
	return links;
}

/** The custom form's fields, from the Form Elements list or from JSON. */
function customFormFields(read: Read): ReturnType<typeof parseFormFields> {
	return parseFormFields(
		read('defineForm', 'fields') === 'json'
			? read('jsonOutput', DEFAULT_FORM_JSON)
			: read('formFields.values', []),
	);
}

function waitTill(ctx: IExecuteFunctions, options: WaitOptions): Date {
	const limit = options.limitWaitTime?.values;
	if (!limit) return WAIT_INDEFINITELY;
	if (limit.limitType === 'atSpecifiedTime') {
		const raw = asText(limit.maxDateAndTime);
		const date = new Date(raw);
		if (raw === '' || Number.isNaN(date.getTime())) {
			throw invalidParameter(
				ctx,
				0,
				`Invalid Limit Wait Time > Max Date and Time "${raw}"`,
				'Pick a date and time, or write one like 2026-12-24T18:00:00Z.',
			);
		}
		if (date.getTime() <= Date.now()) {
			throw invalidParameter(
				ctx,
				0,
				`Limit Wait Time > Max Date and Time ${date.toISOString()} is already past`,
				'The message would time out before anyone can answer it. Pick a later date and time.',
			);
		}
		return date;
	}
	const amount = Number(limit.resumeAmount ?? 45);
	const unit = limit.resumeUnit ?? 'minutes';
	if (!Number.isFinite(amount) || amount <= 0 || !Object.hasOwn(UNIT_MS, unit)) {
		throw invalidParameter(
			ctx,
			0,
			`Invalid Limit Wait Time "${asText(limit.resumeAmount)} ${asText(unit)}"`,
			'Amount must be a number above 0, in minutes, hours or days.',
		);
	}
	return new Date(Date.now() + amount * UNIT_MS[unit]);
}

/** The WhatsApp text: the message, then each link on its own line under its label. */
function composeText(message: string, links: Array<{ label: string; url: string }>): string {
	return [message.trim(), ...links.map(({ label, url }) => `*${label}:*\n${url}`)].join('\n\n');
}

/**
 * Validates everything before anything is sent, sends the message with the signed links, and
 * puts the execution to wait. Like n8n's own send-and-wait nodes it sends one message per run,
 * with the values of the first input item, and passes its input items on while it waits.
 */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const itemIndex = 0;
	const read: Read = (name, fallback) => this.getNodeParameter(name, itemIndex, fallback);
	let resumeAt: Date;
	try {
		if (this.getNode().type.endsWith('Tool')) {
			throw new NodeOperationError(
				this.getNode(),
				'Send and Wait for Response cannot run as an AI Agent tool',
				{ description: 'Use it as a regular node of the workflow, after the agent.' },
			);
		}
		const to = getChatJid.call(this, itemIndex, 'to', 'To');
		const message = getText.call(this, itemIndex, 'Message', 'message');
		const responseType = this.getNodeParameter(
			'responseType',
			itemIndex,
			'approval',
		) as ResponseType;
		const allOptions = getOptions.call(this, itemIndex);
		const options = allOptions as WaitOptions;
		const timeoutMs = getTimeout.call(this, itemIndex, undefined, allOptions);
		if (responseType === 'customForm') {
			const form = customFormFields(read);
			if ('error' in form) {
				throw invalidParameter(
					this,
					itemIndex,
					`The custom form cannot be shown: ${form.error}`,
					'Add at least one form element with a Field Name; dropdowns, radio buttons and checkboxes need their options.',
				);
			}
		}
		resumeAt = waitTill(this, options);

		// n8n 1.x checks the links' signature only when asked to; n8n 2 always checks them and
		// no longer has this method.
		if (typeof this.setSignatureValidationRequired === 'function') {
			this.setSignatureValidationRequired();
		}
		const links = linksFor(responseType, approvalOptionsOf(read), options).map((link) => ({
			label: link.label,
			url: this.getSignedResumeUrl({ approved: link.approved }),
		}));
		const text = composeText(message, links);
		if (text.length > MAX_TEXT_LENGTH) {
			throw invalidParameter(
				this,
				itemIndex,
				`Message is ${text.length} characters long with its links, over WhatsApp's limit of ${MAX_TEXT_LENGTH}`,
				'Shorten the message.',
			);
		}
		await wappflyApiRequest.call(
			this,
			{ method: 'POST', path: '/api/messages/send', body: { to, text }, timeoutMs },
			itemIndex,
		);
	} catch (error) {
		const wrapped = asError(this, error, itemIndex);
		if (!this.continueOnFail()) throw wrapped;
		return [[errorItem(wrapped, itemIndex)]];
	}
	await this.putExecutionToWait(resumeAt);
	return [this.getInputData()];
}

/** The part of Express's response the pages need (Node's ServerResponse has it too). */
interface PageResponse {
	statusCode: number;
	setHeader(name: string, value: string): unknown;
	end(body: string): unknown;
}

function sendPage(ctx: IWebhookFunctions, status: number, html: string): void {
	const res = ctx.getResponseObject() as unknown as PageResponse;
	res.statusCode = status;
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	res.setHeader('Referrer-Policy', 'no-referrer');
	res.setHeader('X-Content-Type-Options', 'nosniff');
	res.setHeader(
		'Content-Security-Policy',
		"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
	);
	res.end(html);
}

/**
 * Answers the links of a waiting execution. n8n has already checked the URL's signature (a
 * tampered or guessed link gets 401 before this runs) and that the execution still waits here
 * (a second answer gets n8n's "no action required" page).
 *
 * Opening a link (GET) never resumes anything: it shows a page whose button, or form, posts to
 * the same signed URL, and only that POST records the answer. Link-preview bots and mail or chat
 * scanners that fetch every link therefore cannot approve in the recipient's place.
 */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const read: Read = (name, fallback) => this.getNodeParameter(name, fallback);
	const method = this.getRequestObject().method;
	const responseType = read('responseType', 'approval') as ResponseType;
	const message = asText(read('message', ''));
	const options = read('options', {}) as WaitOptions;
	const resume = (data: IDataObject): IWebhookResponseData => {
		sendPage(this, 200, RECORDED_PAGE);
		return {
			noWebhookResponse: true,
			workflowData: [[{ json: { data }, pairedItem: { item: 0 } }]],
		};
	};

	if (responseType === 'approval') {
		const approved = (this.getQueryData() as IDataObject).approved === 'true';
		if (method === 'POST') return resume({ approved });
		const link = linksFor(responseType, approvalOptionsOf(read), options).find(
			(l) => l.approved === String(approved),
		);
		sendPage(this, 200, approvalPage(message, link?.label ?? DEFAULT_APPROVE_LABEL, approved));
		return { noWebhookResponse: true };
	}

	let fields = [FREE_TEXT_FIELD];
	if (responseType === 'customForm') {
		const form = customFormFields(read);
		if ('error' in form) {
			// Checked before the message was sent; only an expression could break it since.
			sendPage(this, 500, errorPage(`This form cannot be shown: ${form.error}.`));
			return { noWebhookResponse: true };
		}
		fields = form.fields;
	}
	const show = (status: number, body?: IDataObject, errors?: string[]) => {
		sendPage(
			this,
			status,
			formPage({
				title: asText(options.responseFormTitle),
				description: asText(options.responseFormDescription) || message,
				buttonLabel: labelOf(options.responseFormButtonLabel, 'Submit'),
				fields,
				body,
				errors,
			}),
		);
		return { noWebhookResponse: true };
	};
	if (method !== 'POST') return show(200);

	const body = (this.getBodyData() ?? {}) as IDataObject;
	const submission = readSubmission(fields, body);
	if ('errors' in submission) return show(422, body, submission.errors);
	if (responseType === 'freeText') return resume({ text: submission.data[FREE_TEXT_FIELD.label] });
	return resume(submission.data);
}

export const sendAndWait: WholeInputOperation = { properties, execute };
