import {
	isPlainAbsolutePath,
	mediaDownloadUrl,
	mediaUrlRefusal,
	WHATSAPP_MEDIA_HOST,
} from '../../nodes/shared/mediaUrl';

const WAPPFLY = 'https://wappfly.com';
const REAL_DIRECT_PATH =
	'/v/t62.7118-24/30012345_1234567890123456_1234567890123456789_n.enc?ccb=11-4&oh=01_Q5AaIAbC&oe=6789ABCD&_nc_sid=5e03e0';

describe('isPlainAbsolutePath', () => {
	test.each(['/x', '/mms/image/abc.enc', REAL_DIRECT_PATH, '/a/b-c_d.e~f/%40'])(
		'accepts %s',
		(path) => expect(isPlainAbsolutePath(path)).toBe(true),
	);

	test.each([
		['@evil.host/x', 'changes the host when glued on'],
		['/x@evil.host', 'an @'],
		['//evil.host/x', 'a protocol-relative URL'],
		['/a//b', 'a // further on'],
		['\\\\evil.host\\x', 'backslashes'],
		['/a\\b', 'a backslash'],
		['https://evil.host/x', 'a full URL'],
		['/https:evil', 'a scheme after the slash'],
		['javascript:alert(1)', 'a scheme'],
		['x/y', 'a relative path'],
		['', 'nothing'],
		['/a b', 'whitespace'],
		['/a\nb', 'a line break'],
		['/a\u0000b', 'a NUL'],
		['.evil.host/x', 'a host suffix'],
		[':443/x', 'a port'],
	])('refuses %j (%s)', (path) => expect(isPlainAbsolutePath(path)).toBe(false));
});

describe('mediaDownloadUrl', () => {
	test('the url wins over the directPath', () => {
		expect(
			mediaDownloadUrl({ url: 'https://mmg.whatsapp.net/a.enc', directPath: '/b.enc' }),
		).toEqual({ ok: true, url: 'https://mmg.whatsapp.net/a.enc' });
	});

	test("a directPath alone is fetched from WhatsApp's media host", () => {
		expect(mediaDownloadUrl({ directPath: REAL_DIRECT_PATH })).toEqual({
			ok: true,
			url: `${WHATSAPP_MEDIA_HOST}${REAL_DIRECT_PATH}`,
		});
	});

	test.each(['@evil.host/x', '//evil.host/x', '/x@evil.host', '\\evil.host'])(
		'a directPath %j is refused',
		(directPath) => {
			expect(mediaDownloadUrl({ directPath })).toEqual({
				ok: false,
				reason:
					'the directPath of the message is not a plain absolute path (one leading /, no //, @ or \\)',
			});
		},
	);

	test('neither: no URL', () => {
		expect(mediaDownloadUrl({})).toEqual({ ok: false, reason: 'the message has no download URL' });
	});

	test('a url that does not parse', () => {
		expect(mediaDownloadUrl({ url: 'not a url' })).toEqual({
			ok: false,
			reason: 'the url of the message is not a valid URL',
		});
	});
});

describe('mediaUrlRefusal', () => {
	const encrypted = (url: string, wappflyOrigin = WAPPFLY) =>
		mediaUrlRefusal(new URL(url), { encrypted: true, wappflyOrigin });
	const plain = (url: string, wappflyOrigin = WAPPFLY) =>
		mediaUrlRefusal(new URL(url), { encrypted: false, wappflyOrigin });

	test.each([
		'https://mmg.whatsapp.net/v/t62/x.enc?ccb=11-4',
		'https://media-fra5-1.cdn.whatsapp.net/x.enc',
		'https://MMG.WhatsApp.NET/x.enc',
		'https://mmg.whatsapp.net:443/x.enc',
		'https://wappfly.com/api/media/1',
	])('encrypted media may come from %s', (url) => expect(encrypted(url)).toBeUndefined());

	test("the credential's origin, whatever its scheme and port", () => {
		expect(encrypted('http://127.0.0.1:8080/m', 'http://127.0.0.1:8080')).toBeUndefined();
		expect(plain('http://127.0.0.1:8080/m', 'http://127.0.0.1:8080')).toBeUndefined();
	});

	test.each([
		['http://mmg.whatsapp.net/x.enc', 'http://mmg.whatsapp.net'],
		['https://mmg.whatsapp.net:8443/x.enc', 'https://mmg.whatsapp.net:8443'],
		['https://user:pw@mmg.whatsapp.net/x.enc', 'https://mmg.whatsapp.net'],
		['https://whatsapp.net/x.enc', 'https://whatsapp.net'],
		['https://evilwhatsapp.net/x.enc', 'https://evilwhatsapp.net'],
		['https://mmg.whatsapp.net.evil.host/x.enc', 'https://mmg.whatsapp.net.evil.host'],
		['https://mmg.whatsapp.net./x.enc', 'https://mmg.whatsapp.net.'],
		['http://127.0.0.1:9/x', 'http://127.0.0.1:9'],
		['http://169.254.169.254/latest/meta-data/', 'http://169.254.169.254'],
		['http://[::1]/x', 'http://[::1]'],
		['https://wappfly.com:8443/x', 'https://wappfly.com:8443'],
		['http://wappfly.com/x', 'http://wappfly.com'],
		['file:///etc/passwd', 'file:'],
	])('encrypted media may not come from %s', (url, shown) => {
		expect(encrypted(url)).toBe(
			`${shown} is neither one of WhatsApp's media servers (https://*.whatsapp.net) nor the Wappfly Base URL of the credential`,
		);
	});

	test('user info on the Wappfly origin is refused too', () => {
		expect(encrypted('https://user@wappfly.com/x')).toMatch(/is neither/);
	});

	test.each(['https://mmg.whatsapp.net/x', 'http://127.0.0.1:9/x', 'http://169.254.169.254/'])(
		'media without a key comes only from Wappfly, not %s',
		(url) => {
			expect(plain(url)).toBe(
				`the file has no media key and ${new URL(url).origin} is not the Wappfly Base URL of the credential`,
			);
		},
	);
});
