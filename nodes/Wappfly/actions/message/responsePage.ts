/**
 * The small pages a recipient of Send and Wait for Response sees in the browser: the approval
 * confirmation, the response forms and the "recorded" page. Plain HTML with inline styles, no
 * script: every text that comes from the workflow is escaped.
 */
import type { IDataObject } from 'n8n-workflow';

export type FieldType =
	| 'text'
	| 'textarea'
	| 'number'
	| 'email'
	| 'password'
	| 'date'
	| 'dropdown'
	| 'radio'
	| 'checkbox';

export const FIELD_TYPES: Record<FieldType, string> = {
	checkbox: 'Checkboxes',
	date: 'Date',
	dropdown: 'Dropdown',
	email: 'Email',
	number: 'Number',
	password: 'Password',
	radio: 'Radio Buttons',
	text: 'Text',
	textarea: 'Textarea',
};

const CHOICE_TYPES: FieldType[] = ['dropdown', 'radio', 'checkbox'];

export interface FormField {
	label: string;
	type: FieldType;
	required: boolean;
	placeholder: string;
	/** Dropdown, radio and checkbox fields only. */
	choices: string[];
}

export const MAX_FORM_FIELDS = 50;

export function escapeHtml(text: string): string {
	return text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
	);
}

/** Escaped text with its line breaks kept. */
function paragraphs(text: string): string {
	return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

/**
 * Reads form fields as n8n's Form node writes them (`fieldLabel`, `fieldType`, `requiredField`,
 * `placeholder`, `fieldOptions.values[].option`), from the Form Elements list or from JSON.
 * Returns the fields, or the reason they cannot be used.
 */
export function parseFormFields(raw: unknown): { fields: FormField[] } | { error: string } {
	let list = raw;
	if (typeof list === 'string') {
		try {
			list = JSON.parse(list);
		} catch (error) {
			return { error: `the JSON does not parse: ${(error as Error).message}` };
		}
	}
	if (!Array.isArray(list) || list.length === 0) {
		return { error: 'the form has no fields' };
	}
	if (list.length > MAX_FORM_FIELDS) {
		return { error: `the form has ${list.length} fields, more than ${MAX_FORM_FIELDS}` };
	}
	const fields: FormField[] = [];
	for (const [index, entry] of list.entries()) {
		const where = `field ${index + 1}`;
		if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
			return { error: `${where} is not an object like { "fieldLabel": "Name" }` };
		}
		const field = entry as IDataObject;
		const label = typeof field.fieldLabel === 'string' ? field.fieldLabel.trim() : '';
		if (!label) return { error: `${where} has no fieldLabel` };
		if (fields.some((f) => f.label === label)) {
			return { error: `two fields are labelled "${label}": each label names one output field` };
		}
		const type = (field.fieldType ?? 'text') as FieldType;
		if (!Object.hasOwn(FIELD_TYPES, type)) {
			return {
				error: `field "${label}" has the type "${String(field.fieldType)}"; supported types: ${Object.keys(FIELD_TYPES).join(', ')}`,
			};
		}
		const options = (field.fieldOptions as IDataObject | undefined)?.values;
		const choices = (Array.isArray(options) ? options : [])
			.map((option) => String((option as IDataObject)?.option ?? '').trim())
			.filter((option) => option !== '');
		if (CHOICE_TYPES.includes(type) && choices.length === 0) {
			return { error: `field "${label}" (${FIELD_TYPES[type]}) has no options` };
		}
		if (new Set(choices).size !== choices.length) {
			return { error: `field "${label}" lists an option twice` };
		}
		fields.push({
			label,
			type,
			required: field.requiredField === true,
			placeholder: typeof field.placeholder === 'string' ? field.placeholder : '',
			choices: CHOICE_TYPES.includes(type) ? choices : [],
		});
	}
	return { fields };
}

/** The name of the nth field in the submitted form (labels may hold any character). */
const inputName = (index: number) => `field-${index}`;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function submitted(body: IDataObject, index: number): string[] {
	const value = body[inputName(index)];
	const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
	return values.map((v) => String(v).trim()).filter((v) => v !== '');
}

/**
 * Turns a submitted form into the output's `data` (one key per field label), or lists what is
 * wrong with it. Values outside a field's options are refused, not passed on.
 */
export function readSubmission(
	fields: FormField[],
	body: IDataObject,
): { data: IDataObject } | { errors: string[] } {
	const data: IDataObject = {};
	const errors: string[] = [];
	fields.forEach((field, index) => {
		const values = submitted(body, index);
		if (field.required && values.length === 0) {
			errors.push(`${field.label} is required.`);
			return;
		}
		if (field.type === 'checkbox') {
			if (values.some((v) => !field.choices.includes(v)))
				errors.push(`${field.label}: unknown option.`);
			data[field.label] = values;
			return;
		}
		const value = values[0] ?? '';
		if (value === '') {
			data[field.label] = field.type === 'number' ? null : '';
			return;
		}
		switch (field.type) {
			case 'number': {
				const number = Number(value);
				if (!Number.isFinite(number)) errors.push(`${field.label} must be a number.`);
				data[field.label] = number;
				return;
			}
			case 'email':
				if (!EMAIL.test(value)) errors.push(`${field.label} must be an email address.`);
				break;
			case 'date':
				if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) {
					errors.push(`${field.label} must be a date.`);
				}
				break;
			case 'dropdown':
			case 'radio':
				if (!field.choices.includes(value)) errors.push(`${field.label}: unknown option.`);
				break;
		}
		data[field.label] = value;
	});
	return errors.length ? { errors } : { data };
}

const STYLE = `
body{margin:0;padding:0 12px;background:#f2f4f7;font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;color:#1f2933}
main{max-width:480px;margin:32px auto;padding:24px;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 12px}
p.message{white-space:normal;margin:0 0 20px;color:#3e4c59}
label,legend{display:block;font-weight:600;margin:16px 0 6px;padding:0}
fieldset{border:0;padding:0;margin:0}
.choice{font-weight:400;margin:6px 0}
input:not([type=radio]):not([type=checkbox]),select,textarea{box-sizing:border-box;width:100%;padding:10px;border:1px solid #cbd2d9;border-radius:8px;font:inherit}
textarea{min-height:120px}
button{margin-top:24px;width:100%;padding:14px;border:0;border-radius:8px;background:#25d366;color:#fff;font-size:17px;font-weight:600;cursor:pointer}
button.decline{background:#52606d}
.errors{background:#fde8e8;color:#9b1c1c;padding:12px;border-radius:8px;margin-bottom:12px}
`;

/** A whole page. The robots tag keeps link checkers and search engines from indexing it. */
export function page(title: string, body: string): string {
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body><main>${body}</main></body></html>
`;
}

/**
 * Approval: opening the link shows the message and one button; only pressing it (a POST to the
 * same signed URL) records the answer.
 */
export function approvalPage(message: string, label: string, approved: boolean): string {
	return page(
		label,
		`<h1>${escapeHtml(label)}</h1>
<p class="message">${paragraphs(message)}</p>
<form method="post"><button type="submit"${approved ? '' : ' class="decline"'}>${escapeHtml(label)}</button></form>`,
	);
}

export interface FormPage {
	title: string;
	description: string;
	buttonLabel: string;
	fields: FormField[];
	/** What the recipient sent, shown again with the errors. */
	body?: IDataObject;
	errors?: string[];
}

function fieldHtml(field: FormField, index: number, body: IDataObject): string {
	const name = inputName(index);
	const id = `f${index}`;
	const values = submitted(body, index);
	const required = field.required ? ' required' : '';
	const caption = `${escapeHtml(field.label)}${field.required ? ' *' : ''}`;
	const label = `<label for="${id}">${caption}</label>`;
	const placeholder = field.placeholder ? ` placeholder="${escapeHtml(field.placeholder)}"` : '';
	const value = escapeHtml(values[0] ?? '');
	switch (field.type) {
		case 'textarea':
			return `${label}<textarea id="${id}" name="${name}"${placeholder}${required}>${value}</textarea>`;
		case 'dropdown': {
			const options = ['', ...field.choices]
				.map(
					(choice) =>
						`<option value="${escapeHtml(choice)}"${values.includes(choice) ? ' selected' : ''}>${escapeHtml(choice)}</option>`,
				)
				.join('');
			return `${label}<select id="${id}" name="${name}"${required}>${options}</select>`;
		}
		case 'radio':
		case 'checkbox': {
			const choices = field.choices
				.map(
					(choice, n) =>
						`<label class="choice"><input type="${field.type}" name="${name}" value="${escapeHtml(choice)}"${values.includes(choice) ? ' checked' : ''}${field.type === 'radio' && n === 0 ? required : ''}> ${escapeHtml(choice)}</label>`,
				)
				.join('');
			return `<fieldset><legend>${caption}</legend>${choices}</fieldset>`;
		}
		default: {
			const step = field.type === 'number' ? ' step="any"' : '';
			return `${label}<input id="${id}" type="${field.type}" name="${name}" value="${value}"${step}${placeholder}${required}>`;
		}
	}
}

/** Free Text and Custom Form: the form, posted back to the same signed URL. */
export function formPage(form: FormPage): string {
	const body = form.body ?? {};
	const errors = form.errors?.length
		? `<div class="errors">${form.errors.map(escapeHtml).join('<br>')}</div>`
		: '';
	const title = form.title ? `<h1>${escapeHtml(form.title)}</h1>` : '';
	const description = form.description
		? `<p class="message">${paragraphs(form.description)}</p>`
		: '';
	return page(
		form.title || form.buttonLabel,
		`${title}${description}${errors}<form method="post">${form.fields
			.map((field, index) => fieldHtml(field, index, body))
			.join('')}<button type="submit">${escapeHtml(form.buttonLabel)}</button></form>`,
	);
}

export function errorPage(text: string): string {
	return page('Error', `<h1>Error</h1><p class="message">${paragraphs(text)}</p>`);
}

export const RECORDED_PAGE = page(
	'Got it, thanks',
	'<h1>Got it, thanks</h1><p class="message">This page can be closed now.</p>',
);
