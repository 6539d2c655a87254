import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class WappflyApi implements ICredentialType {
	name = 'wappflyApi';

	displayName = 'Wappfly API';

	icon: Icon = { light: 'file:../icons/wappfly.svg', dark: 'file:../icons/wappfly.dark.svg' };

	documentationUrl = 'https://github.com/wappfly/n8n-nodes-wappfly#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The API token of one WhatsApp line. In the Wappfly dashboard, click "Show token" next to a connected line.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://wappfly.com',
			placeholder: 'https://wappfly.com',
			description:
				'Change only to go through a proxy, a staging host or a local sandbox. Without a trailing /api.',
		},
	];

	/**
	 * Sends the token as the X-API-Token header. Written as a function rather than as n8n's
	 * declarative `{ headers: { 'X-API-Token': '={{$credentials.apiToken}}' } }`, which n8n
	 * resolves with its expression engine on every request: that cost more than the rest of
	 * a text send.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		requestOptions.headers = {
			...requestOptions.headers,
			'X-API-Token': String(credentials.apiToken ?? ''),
		};
		return requestOptions;
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "").replace(/\\/api$/, "")}}',
			url: '/api/me',
			method: 'GET',
			// n8n's HTTP client would carry X-API-Token along to wherever a redirect points.
			disableFollowRedirect: true,
		},
		// Shown by n8n 2.x for a redirect (n8n 1.x shows "Request failed with status code 30x").
		rules: [301, 302, 303, 307, 308].map((value) => ({
			type: 'responseCode' as const,
			properties: {
				value,
				message: `Wappfly redirected the request to another address (HTTP ${value}). n8n does not follow it, so that the API token is not sent elsewhere. Set the Base URL to the address the API really answers on (for example https:// instead of http://, or without a path).`,
			},
		})),
	};
}
