/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the rdata codecs (lib/wire/rdata.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/util/hex.h"
#include "lib/wire/compr.h"
#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"

typedef struct rt_case {
	uint16_t type;
	const char *in;
	const char *out;
	const char *wire; /* uppercase hex */
} rt_case_t;

/*
 * Presentation in, presentation out, wire. Wire forms come from the RFC
 * examples where there is one (RFC 4034 §2.3, §3.3, §4.3, §5.4; RFC 5155
 * Appendix A; RFC 6698 §2.3; RFC 4701 §3.6; RFC 4255 §3.3; RFC 8659 §4;
 * RFC 7553 §4.5; RFC 7043 §3.2/§4.2; RFC 6742; RFC 8976 Appendix A) and
 * were cross-checked with dnspython.
 */
static const rt_case_t roundtrips[] = {
        {DZ_RR_A, "192.0.2.1", "192.0.2.1", "C0000201"},
        {DZ_RR_NS, "ns1.example.com.", "ns1.example.com.",
         "036E7331076578616D706C6503636F6D00"},
        {DZ_RR_MD, "md.example.", "md.example.", "026D64076578616D706C6500"},
        {DZ_RR_MF, "mf.example.", "mf.example.", "026D66076578616D706C6500"},
        {DZ_RR_CNAME, "Target.Example.", "Target.Example.",
         "06546172676574074578616D706C6500"},
        {DZ_RR_SOA, "ns1.example. hostmaster.example. 2024010101 1h 15m 1w 1d",
         "ns1.example. hostmaster.example. 2024010101 3600 900 604800 86400",
         "036E7331076578616D706C65000A686F73746D6173746572076578616D706C650078A"
         "3F17500000E100000038400093A8000015180"},
        {DZ_RR_MB, "mb.example.", "mb.example.", "026D62076578616D706C6500"},
        {DZ_RR_MG, "mg.example.", "mg.example.", "026D67076578616D706C6500"},
        {DZ_RR_MR, "mr.example.", "mr.example.", "026D72076578616D706C6500"},
        {DZ_RR_PTR, "host.example.", "host.example.",
         "04686F7374076578616D706C6500"},
        {DZ_RR_HINFO, "\"Generic PC\" Linux", "\"Generic PC\" \"Linux\"",
         "0A47656E65726963205043054C696E7578"},
        {DZ_RR_MINFO, "rmail.example. email.example.",
         "rmail.example. email.example.",
         "05726D61696C076578616D706C650005656D61696C076578616D706C6500"},
        {DZ_RR_MX, "10 mail.example.", "10 mail.example.",
         "000A046D61696C076578616D706C6500"},
        {DZ_RR_TXT, "v=spf1 \"a b\" \"q\\\"uote\\\\\" \\065\\255",
         "\"v=spf1\" \"a b\" \"q\\\"uote\\\\\" \"A\\255\"",
         "06763D7370663103612062077122756F74655C0241FF"},
        {DZ_RR_RP, "admin.example. txt.example.", "admin.example. txt.example.",
         "0561646D696E076578616D706C650003747874076578616D706C6500"},
        {DZ_RR_AFSDB, "1 afs.example.", "1 afs.example.",
         "000103616673076578616D706C6500"},
        {DZ_RR_RT, "10 relay.example.", "10 relay.example.",
         "000A0572656C6179076578616D706C6500"},
        {DZ_RR_KX, "10 kx.example.", "10 kx.example.",
         "000A026B78076578616D706C6500"},
        {DZ_RR_PX, "10 map822.example. mapx400.example.",
         "10 map822.example. mapx400.example.",
         "000A066D6170383232076578616D706C6500076D617078343030076578616D706C650"
         "0"},
        {DZ_RR_AAAA, "2001:DB8::1", "2001:db8::1",
         "20010DB8000000000000000000000001"},
        {DZ_RR_SRV, "0 5 5060 sip.example.", "0 5 5060 sip.example.",
         "0000000513C403736970076578616D706C6500"},
        {DZ_RR_NAPTR, "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.",
         "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.",
         "0064000A0153075349502B44325500045F736970045F756470076578616D706C650"
         "0"},
        {DZ_RR_DNAME, "target.example.", "target.example.",
         "06746172676574076578616D706C6500"},
        {DZ_RR_DS, "60485 5 1 ( 2BB183AF5F22588179A53B0A98631FAD1A292118 )",
         "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
         "EC4505012BB183AF5F22588179A53B0A98631FAD1A292118"},
        {DZ_RR_CDS, "60485 5 1 2bb183af5f22 588179a53b0a98631fad1a292118",
         "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
         "EC4505012BB183AF5F22588179A53B0A98631FAD1A292118"},
        {DZ_RR_SSHFP, "2 1 123456789abcdef67890123456789abcdef67890",
         "2 1 123456789ABCDEF67890123456789ABCDEF67890",
         "0201123456789ABCDEF67890123456789ABCDEF67890"},
        {DZ_RR_RRSIG,
         "A 5 3 86400 20030322173103 ( 20030220173103 2642 example.com. "
         "oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+"
         "v6oB9wfuh3DTJXUAfI/M0zmO/"
         "zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+"
         "6pBzeDQfsS3Ap3o= )",
         "A 5 3 86400 20030322173103 20030220173103 2642 example.com. "
         "oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+"
         "v6oB9wfuh3DTJXUAfI/M0zmO/"
         "zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+"
         "6pBzeDQfsS3Ap3o=",
         "00010503000151803E7C9DD73E5510D70A52076578616D706C6503636F6D00A090755"
         "BA58D1AFFA576F4375831B4310920E481218D18A9F164EB3D81AFD3B875D3C7542863"
         "1E0CF2A28D50875F70C329D7DBFAFEA807DC1FBA1DC34C95D401F23F334CE63BFCF3F"
         "1B5B44739E5F0EDED18D6B33F040A911376D173D757A9F0C1FA1798941BB0B36B2DF9"
         "062790FA7F0166F2737EEA907378341FB12DC0A77A"},
        {DZ_RR_NSEC, "host.example.com. ( A MX RRSIG NSEC TYPE1234 )",
         "host.example.com. A MX RRSIG NSEC TYPE1234",
         "04686F7374076578616D706C6503636F6D000006400100000003041B0000000000000"
         "00000000000000000000000000000000000000020"},
        {DZ_RR_DNSKEY,
         "256 3 5 ( "
         "AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/"
         "0PY1kxkmvHjcZc8nokfzj31GajIQKY+"
         "5CptLr3buXA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhj"
         "L742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w== )",
         "256 3 5 "
         "AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/"
         "0PY1kxkmvHjcZc8nokfzj31GajIQKY+"
         "5CptLr3buXA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhj"
         "L742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w==",
         "010003050103D22A6CA77F35B893206FD35E4C506D8378843709B97E041647E1BFF43"
         "D8D64C649AF1E371973C9E891FCE3DF519A8C840A63EE42A6D2EBDDBB97035D215AA4"
         "E417B1FA45FA11A9741EA2098C1DFA5FB5FEB332FD4BC8152089AEF36BA644CCE2413"
         "B3B72BE18CBEF8DA253F4E93D2103866D9234A2E28DF529A67D5468DBEFE3"},
        {DZ_RR_CDNSKEY, "0 3 0 AA==", "0 3 0 AA==", "0000030000"},
        {DZ_RR_DHCID, "( AAIBY2/AuCccgoJbsaxcQc9TUapptP69l OjxfNuVAA2kjEA= )",
         "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
         "000201636FC0B8271C82825BB1AC5C41CF5351AA69B4FEBD94E8F17CDB95000DA48C4"
         "0"},
        {DZ_RR_NSEC3,
         "1 1 12 aabbccdd ( 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA "
         "NSEC3PARAM RRSIG )",
         "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG "
         "DNSKEY NSEC3PARAM",
         "0101000C04AABBCCDD14174EB2409FE28BCB4887A1836F957F0A8425E27B000722010"
         "000000290"},
        {DZ_RR_NSEC3, "1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3s",
         "1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S",
         "01000000001417F3DF17B2B2ADAEF615257DE4D2020B80AC6C7C"},
        {DZ_RR_NSEC3PARAM, "1 0 12 aabbccdd", "1 0 12 AABBCCDD",
         "0100000C04AABBCCDD"},
        {DZ_RR_NSEC3PARAM, "1 0 0 -", "1 0 0 -", "0100000000"},
        {DZ_RR_TLSA,
         "3 1 1 ( 0C72AC70B745AC19998811B131D662C9 "
         "AC69DBDBE7CB23E5B514B56664C5D3D6 )",
         "3 1 1 "
         "0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6",
         "0301010C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D"
         "6"},
        {DZ_RR_SMIMEA, "3 0 1 0c72ac70b745ac19998811b131d662c9",
         "3 0 1 0C72AC70B745AC19998811B131D662C9",
         "0300010C72AC70B745AC19998811B131D662C9"},
        {DZ_RR_OPENPGPKEY,
         "mQINBFK mRP4= ", "mQINBFKmRP4=", "99020D0452A644FE"},
        {DZ_RR_CSYNC, "66 3 A NS AAAA", "66 3 A NS AAAA",
         "000000420003000460000008"},
        {DZ_RR_ZONEMD,
         "2018031900 1 1 ( c68090d90a7aed71 6bc459f9340e3d7c 1370d4d24b7e2fc3 "
         "a1ddc0b9a87153b9 a9713b3c9ae5cc27 777f98b8e730044c )",
         "2018031900 1 1 "
         "C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3A1DDC0B9A87153B9A9713"
         "B3C9AE5CC27777F98B8E730044C",
         "7848B91C0101C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3A1DDC0B9A"
         "87153B9A9713B3C9AE5CC27777F98B8E730044C"},
        {DZ_RR_SVCB, "1 . port=53", "1 . port=53", "000100000300020035"},
        {DZ_RR_HTTPS, "0 foo.example.com.", "0 foo.example.com.",
         "000003666F6F076578616D706C6503636F6D00"},
        {DZ_RR_SPF, "\"v=spf1 -all\"", "\"v=spf1 -all\"",
         "0B763D73706631202D616C6C"},
        {DZ_RR_URI, "10 1 \"ftp://ftp1.example.com/public\"",
         "10 1 \"ftp://ftp1.example.com/public\"",
         "000A00016674703A2F2F667470312E6578616D706C652E636F6D2F7075626C6963"},
        {DZ_RR_CAA, "0 issue \"ca.example.net\"", "0 issue \"ca.example.net\"",
         "0005697373756563612E6578616D706C652E6E6574"},
        {DZ_RR_CAA, "128 tbs \"Unknown\"", "128 tbs \"Unknown\"",
         "8003746273556E6B6E6F776E"},
        {DZ_RR_EUI48, "00-00-5e-00-53-2a", "00-00-5e-00-53-2a", "00005E00532A"},
        {DZ_RR_EUI64, "00-00-5E-EF-10-00-00-2A", "00-00-5e-ef-10-00-00-2a",
         "00005EEF1000002A"},
        {DZ_RR_L32, "10 10.1.2.0", "10 10.1.2.0", "000A0A010200"},
        {DZ_RR_L64, "10 2001:0DB8:1140:1000", "10 2001:0db8:1140:1000",
         "000A20010DB811401000"},
        {DZ_RR_NID, "10 14:4fff:ff20:ee64", "10 0014:4fff:ff20:ee64",
         "000A00144FFFFF20EE64"},
        {DZ_RR_LP, "10 l64-subnet1.example.com.", "10 l64-subnet1.example.com.",
         "000A0B6C36342D7375626E657431076578616D706C6503636F6D00"},
        {DZ_RR_TSIG, "hmac-sha256. 1700000000 300 4 AQIDBA== 4660 0 0",
         "hmac-sha256. 1700000000 300 4 AQIDBA== 4660 0 0",
         "0B686D61632D7368613235360000006553F100012C0004010203041234"
         "00000000"},
        {DZ_RR_TSIG, "hmac-md5.sig-alg.reg.int. 1 2 0 3 18 6 AAAAZ2Vb",
         "hmac-md5.sig-alg.reg.int. 1 2 0 3 18 6 AAAAZ2Vb",
         "08686D61632D6D6435077369672D616C670372656703696E740000000000000100"
         "02000000030012000600000067655B"},
        /* RFC 6698 §2.3 */
        {DZ_RR_TLSA,
         "0 0 1 d2abde240d7cd3ee6b4b28c54df034b9 "
         "7983a1d16e8a410e4561cb106618e971",
         "0 0 1 "
         "D2ABDE240D7CD3EE6B4B28C54DF034B97983A1D16E8A410E4561CB106618E971",
         "000001D2ABDE240D7CD3EE6B4B28C54DF034B97983A1D16E8A410E4561CB106618"
         "E971"},
        {DZ_RR_NULL, "\\# 3 ABCDEF", "\\# 3 ABCDEF", "ABCDEF"},
        {DZ_RR_NULL, "\\# 0", "\\# 0", ""},
        {4321, "\\# 4 0A00 0001", "\\# 4 0A000001", "0A000001"},
        {DZ_RR_A, "\\# 4 C0000201", "192.0.2.1", "C0000201"},
        {DZ_RR_WKS, "\\# 5 c000020106", "192.0.2.1 6", "C000020106"},
        {DZ_RR_OPT, "\\# 8 000A0004DEADBEEF", "\\# 8 000A0004DEADBEEF",
         "000A0004DEADBEEF"},
        {DZ_RR_MX, "10 @", "10 example.", "000A076578616D706C6500"},
        {DZ_RR_MX, "10 mail", "10 mail.example.",
         "000A046D61696C076578616D706C6500"},
        {DZ_RR_TXT, "\"\"", "\"\"", "00"},
        {DZ_RR_SOA, "a. b. 4294967295 1H30M 2d 1W2D 0",
         "a. b. 4294967295 5400 172800 777600 0",
         "016100016200FFFFFFFF000015180002A300000BDD8000000000"},
        {DZ_RR_RRSIG, "TYPE65534 13 2 0 4294967295 0 0 . AA==",
         "TYPE65534 13 2 0 21060207062815 19700101000000 0 . AA==",
         "FFFE0D0200000000FFFFFFFF0000000000000000"},
        {DZ_RR_NSEC, "a. NSEC3 TYPE65535", "a. NSEC3 TYPE65535",
         "016100000700000000000020FF20000000000000000000000000000000000000"
         "0000000000000000000000000001"},
        {DZ_RR_CAA, "0 issuewild \"ca.example.net; policy=ev\"",
         "0 issuewild \"ca.example.net; policy=ev\"",
         "0009697373756577696C6463612E6578616D706C652E6E65743B20706F6C6963"
         "793D6576"},
};

static const rt_case_t svcb_vectors[] = {
        /* RFC 9460 Appendix D.1 and D.2. */
        {DZ_RR_HTTPS, "0 foo.example.com.", "0 foo.example.com.",
         "000003666F6F076578616D706C6503636F6D00"},
        {DZ_RR_SVCB, "1 .", "1 .", "000100"},
        {DZ_RR_SVCB, "16 foo.example.com. port=53",
         "16 foo.example.com. port=53",
         "001003666F6F076578616D706C6503636F6D00000300020035"},
        {DZ_RR_SVCB, "1 foo.example.com. key667=hello",
         "1 foo.example.com. key667=\"hello\"",
         "000103666F6F076578616D706C6503636F6D00029B000568656C6C6F"},
        {DZ_RR_SVCB, "1 foo.example.com. key667=\"hello\\210qoo\"",
         "1 foo.example.com. key667=\"hello\\210qoo\"",
         "000103666F6F076578616D706C6503636F6D00029B000968656C6C6FD2716F6F"},
        {DZ_RR_SVCB,
         "1 foo.example.com. ipv6hint=\"2001:db8::1,2001:db8::53:1\"",
         "1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1",
         "000103666F6F076578616D706C6503636F6D000006002020010DB80000000000"
         "0000000000000120010DB8000000000000000000530001"},
        {DZ_RR_SVCB, "1 example.com. ipv6hint=\"2001:db8:122:344::192.0.2.33\"",
         "1 example.com. ipv6hint=2001:db8:122:344::c000:221",
         "0001076578616D706C6503636F6D000006001020010DB80122034400000000C0"
         "000221"},
        {DZ_RR_SVCB,
         "16 foo.example.org. ( alpn=h2,h3-19 mandatory=ipv4hint,alpn "
         "ipv4hint=192.0.2.1 )",
         "16 foo.example.org. mandatory=alpn,ipv4hint alpn=\"h2,h3-19\" "
         "ipv4hint=192.0.2.1",
         "001003666F6F076578616D706C65036F7267000000000400010004000100090268"
         "320568332D313900040004C0000201"},
        {DZ_RR_SVCB, "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
         "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
         "001003666F6F076578616D706C65036F7267000001000C08665C6F6F2C626172"
         "026832"},
        {DZ_RR_SVCB, "16 foo.example.org. alpn=f\\\\\\092oo\\092,bar,h2",
         "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
         "001003666F6F076578616D706C65036F7267000001000C08665C6F6F2C626172"
         "026832"},
        /* Our own: every named key, sorted on the wire. */
        {DZ_RR_HTTPS,
         "1 . ech=AEP+DQ== dohpath=\"/q{?dns}\" no-default-alpn alpn=h2 "
         "key65000 ohttp",
         "1 . alpn=\"h2\" no-default-alpn ech=AEP+DQ== dohpath=\"/q{?dns}\" "
         "ohttp key65000",
         "00010000010003026832000200000005000400"
         "43FE0D000700082F717B3F64"
         "6E737D00080000FDE80000"},
};

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	int n = dz_hex_decode(out, cap, hex, strlen(hex));
	assert_true(n >= 0);
	return (size_t)n;
}

static void check_roundtrip(const rt_case_t *c)
{
	uint8_t want[DZ_RDATA_MAXLEN];
	uint8_t got[DZ_RDATA_MAXLEN];
	uint8_t again[DZ_RDATA_MAXLEN];
	char text[8192];
	uint8_t origin[] = "\007example";
	dz_rdata_diag_t diag = {0};
	size_t wlen = unhex(c->wire, want, sizeof(want));

	int n = dz_rdata_from_str(c->type, c->in, origin, got, sizeof(got),
	                          &diag);
	if (n < 0 || (size_t)n != wlen) {
		print_error("type %u '%s': %d (%s at token %zu)\n", c->type,
		            c->in, n, diag.msg, diag.token);
	}
	assert_int_equal(n, wlen);
	assert_memory_equal(got, want, wlen);
	assert_int_equal(dz_rdata_check(c->type, got, (size_t)n), DZ_OK);
	int t = dz_rdata_to_str(c->type, got, (size_t)n, text, sizeof(text));
	assert_true(t >= 0);
	if (strcmp(text, c->out) != 0) {
		print_error("type %u: got '%s'\n", c->type, text);
	}
	assert_string_equal(text, c->out);
	assert_int_equal(t, strlen(c->out));
	/* The output parses back to the same wire form. */
	assert_int_equal(dz_rdata_from_str(c->type, text, NULL, again,
	                                   sizeof(again), NULL),
	                 n);
	assert_memory_equal(again, want, wlen);
	/* And the wire form goes through from_wire unchanged. */
	assert_int_equal(dz_rdata_from_wire(c->type, want, wlen, 0, wlen, again,
	                                    sizeof(again)),
	                 wlen);
	assert_memory_equal(again, want, wlen);
}

static void rdata_roundtrip_every_type(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(roundtrips) / sizeof(roundtrips[0]);
	     i++) {
		check_roundtrip(&roundtrips[i]);
	}
}

static void rdata_svcb_rfc9460_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(svcb_vectors) / sizeof(svcb_vectors[0]);
	     i++) {
		check_roundtrip(&svcb_vectors[i]);
	}
}

typedef struct err_case {
	uint16_t type;
	const char *in;
	int status;
	size_t token;
	const char *msg; /* NULL: don't check */
} err_case_t;

static const err_case_t errors[] = {
        {DZ_RR_A, "192.0.2", DZ_ERDATA, 0, "bad IPv4 address"},
        {DZ_RR_A, "192.0.2.256", DZ_ERDATA, 0, "bad IPv4 address"},
        {DZ_RR_A, "", DZ_ERDATA, 0, "missing field"},
        {DZ_RR_A, "192.0.2.1 192.0.2.2", DZ_ERDATA, 1, "trailing data"},
        {DZ_RR_AAAA, "2001:db8:::1", DZ_ERDATA, 0, "bad IPv6 address"},
        {DZ_RR_AAAA, "192.0.2.1", DZ_ERDATA, 0, "bad IPv6 address"},
        {DZ_RR_MX, "65536 mx.example.", DZ_ERDATA, 0,
         "number out of range (max 65535)"},
        {DZ_RR_MX, "-1 mx.example.", DZ_ERDATA, 0, "bad number"},
        {DZ_RR_MX, "10", DZ_ERDATA, 1, "missing field"},
        {DZ_RR_MX, "10 mx", DZ_ESYNTAX, 1, "bad name"},
        {DZ_RR_DS, "1 256 1 AA", DZ_ERDATA, 1, "number out of range (max 255)"},
        {DZ_RR_DS, "1 8 2", DZ_ERDATA, 3, "missing field"},
        {DZ_RR_DS, "1 8 2 ABC", DZ_ERDATA, 3, "bad hex"},
        {DZ_RR_SOA, "a. b. 4294967296 1 1 1 1", DZ_ERDATA, 2,
         "number out of range (max 4294967295)"},
        {DZ_RR_SOA, "a. b. 1 1x 1 1 1", DZ_ERDATA, 3, "bad TTL"},
        {DZ_RR_SOA, "a. b. 1 1 1 1", DZ_ERDATA, 6, "missing field"},
        {DZ_RR_DNSKEY, "257 3 8 AwEAA=", DZ_ERDATA, 3, "bad base64"},
        {DZ_RR_DNSKEY, "257 3 8 Aw== AA==", DZ_ERDATA, 3, "bad base64"},
        {DZ_RR_NSEC, "a. A BOGUS", DZ_ETYPE, 2, "unknown type"},
        {DZ_RR_RRSIG, "BOGUS 8 2 3600 1 0 1 a. AA==", DZ_ETYPE, 0,
         "unknown type"},
        {DZ_RR_RRSIG, "A 8 2 3600 20230230000000 0 1 a. AA==", DZ_ERDATA, 4,
         "bad time"},
        {DZ_RR_TXT, "\\# 2 0201", DZ_ERDATA, 0, "rdata does not match type"},
        {DZ_RR_A, "\\# 4 C00002", DZ_ERDATA, 1, "length mismatch"},
        {DZ_RR_A, "\\# 3 C0000201", DZ_ERDATA, 1, "length mismatch"},
        {DZ_RR_A, "\\# 4", DZ_ERDATA, 2, "missing field"},
        {DZ_RR_A, "\\# 3 C00002", DZ_ERDATA, 0, "rdata does not match type"},
        {DZ_RR_A, "\\# 4 C000020X", DZ_ERDATA, 2, "bad hex"},
        {4321, "0A000001", DZ_ERDATA, 0, "unknown type needs \\#"},
        {DZ_RR_NULL, "abc", DZ_ERDATA, 0, "type needs \\# syntax"},
        {DZ_RR_NSEC3, "1 0 0 - 0", DZ_ERDATA, 4, "bad base32hex"},
        {DZ_RR_NSEC3PARAM, "1 0 0 XY", DZ_ERDATA, 3, "bad hex"},
        {DZ_RR_CAA, "0 is-sue \"x\"", DZ_ERDATA, 1, "bad CAA tag"},
        {DZ_RR_EUI48, "00-00-5e-00-53", DZ_ERDATA, 0, "bad EUI-48"},
        {DZ_RR_EUI64, "00-00-5e-00-53-2a", DZ_ERDATA, 0, "bad EUI-64"},
        {DZ_RR_TXT, "\"a\\2x\"", DZ_ERDATA, 0, "bad escape"},
        {DZ_RR_TXT, "a \"b", DZ_ESYNTAX, 0, NULL},
        {DZ_RR_TXT, "( a", DZ_ESYNTAX, 0, NULL},
        {DZ_RR_TSIG, "hmac-sha256. 1 300 4 AQID 1 0 0", DZ_ERDATA, 4,
         "length mismatch"},
        /* RFC 9460 Appendix D.3 failure cases, plus a few more. */
        {DZ_RR_SVCB, "1 foo.example.com. ( key123=abc key123=def )", DZ_ERDATA,
         3, "duplicate SvcParamKey"},
        {DZ_RR_SVCB, "1 foo.example.com. mandatory", DZ_ERDATA, 2,
         "missing value"},
        {DZ_RR_SVCB, "1 foo.example.com. alpn", DZ_ERDATA, 2, "missing value"},
        {DZ_RR_SVCB, "1 foo.example.com. port", DZ_ERDATA, 2, "missing value"},
        {DZ_RR_SVCB, "1 foo.example.com. ipv4hint", DZ_ERDATA, 2,
         "missing value"},
        {DZ_RR_SVCB, "1 foo.example.com. ipv6hint", DZ_ERDATA, 2,
         "missing value"},
        {DZ_RR_SVCB, "1 foo.example.com. no-default-alpn=abc", DZ_ERDATA, 2,
         "value not allowed"},
        {DZ_RR_SVCB, "1 foo.example.com. mandatory=key123", DZ_ERDATA, 2,
         "mandatory key missing"},
        {DZ_RR_SVCB, "1 foo.example.com. mandatory=mandatory", DZ_ERDATA, 2,
         "mandatory lists itself"},
        {DZ_RR_SVCB,
         "1 foo.example.com. ( mandatory=key123,key123 key123=abc )", DZ_ERDATA,
         2, "duplicate mandatory key"},
        {DZ_RR_SVCB, "1 . port=65536", DZ_ERDATA, 2,
         "number out of range (max 65535)"},
        {DZ_RR_SVCB, "1 . ipv4hint=192.0.2.1,", DZ_ERDATA, 2,
         "bad address hint"},
        {DZ_RR_SVCB, "1 . ipv6hint=192.0.2.1", DZ_ERDATA, 2,
         "bad IPv6 address"},
        {DZ_RR_SVCB, "1 . bogus=1", DZ_ERDATA, 2, "unknown SvcParamKey"},
        {DZ_RR_SVCB, "1 . key65535", DZ_ERDATA, 2, "unknown SvcParamKey"},
        {DZ_RR_SVCB, "1 . key0667=a", DZ_ERDATA, 2, "unknown SvcParamKey"},
        {DZ_RR_SVCB, "1 . alpn=h2,,h3", DZ_ERDATA, 2, "bad alpn value"},
};

static void rdata_from_str_errors_report_status_and_token(void **state)
{
	(void)state;
	uint8_t out[DZ_RDATA_MAXLEN];
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		const err_case_t *c = &errors[i];
		dz_rdata_diag_t diag = {.token = 999, .msg = NULL};
		int ret = dz_rdata_from_str(c->type, c->in, NULL, out,
		                            sizeof(out), &diag);
		if (ret != c->status || diag.token != c->token ||
		    (c->msg != NULL &&
		     (diag.msg == NULL || strcmp(diag.msg, c->msg) != 0))) {
			print_error("'%s': got %d token %zu '%s'\n", c->in, ret,
			            diag.token, diag.msg ? diag.msg : "(null)");
		}
		assert_int_equal(ret, c->status);
		assert_int_equal(diag.token, c->token);
		if (c->msg != NULL) {
			assert_string_equal(diag.msg, c->msg);
		}
	}
}

static void rdata_txt_rejects_string_over_255(void **state)
{
	(void)state;
	char text[600];
	uint8_t out[DZ_RDATA_MAXLEN];
	dz_rdata_diag_t diag = {0};
	memset(text, 'a', 256);
	strcpy(text + 256, " ok");
	assert_int_equal(dz_rdata_from_str(DZ_RR_TXT, text, NULL, out,
	                                   sizeof(out), &diag),
	                 DZ_ERDATA);
	assert_int_equal(diag.token, 0);
	assert_string_equal(diag.msg, "string too long");
	/* 255 octets is fine, and \DDD counts as one octet. */
	memcpy(text, "\\065", 4);
	memset(text + 4, 'a', 254);
	text[258] = '\0';
	assert_int_equal(dz_rdata_from_str(DZ_RR_TXT, text, NULL, out,
	                                   sizeof(out), &diag),
	                 256);
	assert_int_equal(out[0], 255);
	assert_int_equal(out[1], 'A');
}

static void rdata_from_tokens_uses_token_flags(void **state)
{
	(void)state;
	uint8_t out[64];
	dz_token_t tok[] = {
	        {.str = "a b", .len = 3, .quoted = true},
	        {.str = "c\\034d", .len = 6, .quoted = false},
	};
	assert_int_equal(dz_rdata_from_tokens(DZ_RR_TXT, tok, 2, NULL, out,
	                                      sizeof(out), NULL),
	                 8);
	assert_memory_equal(out, "\003a b\003c\"d", 8);
	/* SVCB: `alpn=` then a quoted token is one parameter. */
	dz_token_t svcb[] = {
	        {.str = "1", .len = 1},
	        {.str = ".", .len = 1},
	        {.str = "alpn=", .len = 5},
	        {.str = "h2,h3", .len = 5, .quoted = true},
	        {.str = "port=", .len = 5},
	};
	const uint8_t want[] = {0, 1, 0, 0, 1, 0, 6, 2, 'h', '2', 2, 'h', '3'};
	assert_int_equal(dz_rdata_from_tokens(DZ_RR_SVCB, svcb, 4, NULL, out,
	                                      sizeof(out), NULL),
	                 sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	dz_rdata_diag_t diag = {0};
	assert_int_equal(dz_rdata_from_tokens(DZ_RR_SVCB, svcb, 5, NULL, out,
	                                      sizeof(out), &diag),
	                 DZ_ERDATA);
	assert_int_equal(diag.token, 4);
	assert_string_equal(diag.msg, "missing value");
	/* A quoted "\#" is a string, not the RFC 3597 marker. */
	dz_token_t gen[] = {{.str = "\\#", .len = 2, .quoted = true}};
	assert_int_equal(dz_rdata_from_tokens(DZ_RR_TXT, gen, 1, NULL, out,
	                                      sizeof(out), NULL),
	                 2);
	assert_memory_equal(out, "\001#", 2);
}

static void rdata_from_str_too_small_buffer_is_espace(void **state)
{
	(void)state;
	uint8_t out[3];
	assert_int_equal(dz_rdata_from_str(DZ_RR_A, "192.0.2.1", NULL, out,
	                                   sizeof(out), NULL),
	                 DZ_ESPACE);
}

static void rdata_to_str_small_buffer_is_espace(void **state)
{
	(void)state;
	const uint8_t a[] = {192, 0, 2, 1};
	char text[9];
	assert_int_equal(dz_rdata_to_str(DZ_RR_A, a, 4, text, sizeof(text)),
	                 DZ_ESPACE);
	char ok[10];
	assert_int_equal(dz_rdata_to_str(DZ_RR_A, a, 4, ok, sizeof(ok)), 9);
}

static void rdata_to_str_empty_key_uses_generic(void **state)
{
	(void)state;
	const uint8_t ds[] = {0, 1, 8, 2};
	char text[64];
	assert_int_equal(dz_rdata_to_str(DZ_RR_DS, ds, 4, text, sizeof(text)),
	                 13);
	assert_string_equal(text, "\\# 4 00010802");
	assert_int_equal(dz_rdata_to_str(4321, NULL, 0, text, sizeof(text)), 4);
	assert_string_equal(text, "\\# 0");
}

typedef struct malf_case {
	uint16_t type;
	const char *wire;
} malf_case_t;

static const malf_case_t malformed[] = {
        {DZ_RR_A, "C00002"},
        {DZ_RR_A, "C000020101"},
        {DZ_RR_A, ""},
        {DZ_RR_AAAA, "20010DB8"},
        {DZ_RR_SOA, "0161000162000000000100000002000000030000000400"},
        {DZ_RR_SOA, "01610001620000000001000000020000000300000004000000050A"},
        {DZ_RR_NS, "036E7331076578616D706C65"}, /* name past rdlen */
        {DZ_RR_NS, "036E733100FF"},             /* trailing octet */
        {DZ_RR_NS, "40"},                       /* label type 01 */
        {DZ_RR_MX, "000A"},
        {DZ_RR_TXT, ""},
        {DZ_RR_TXT, "0561"},
        {DZ_RR_HINFO, "0141"},
        {DZ_RR_NSEC, "0161000001000140"}, /* windows out of order */
        {DZ_RR_NSEC, "0161000000"},       /* zero-length window */
        {DZ_RR_NSEC,
         "016100000140" /* 33-octet window */
         "2100000000000000000000000000000000000000000000000000000000"
         "000000000001"},
        {DZ_RR_NSEC, "01610000024000"},        /* trailing zero octet */
        {DZ_RR_NSEC, "016100000240"},          /* window past the end */
        {DZ_RR_NSEC3, "0101000C04AABBCCDD00"}, /* empty next hash */
        {DZ_RR_NSEC3PARAM, "0100000C04AABBCC"},
        {DZ_RR_SVCB, "000100000300010035"},         /* port of one octet */
        {DZ_RR_SVCB, "00010000030002003500010000"}, /* keys out of order */
        {DZ_RR_SVCB, "000100000100020000"},         /* empty alpn id */
        {DZ_RR_SVCB, "0001000000000200000001000102683200"},
        {DZ_RR_SVCB, "000100FFFF0000"},             /* key65535 */
        {DZ_RR_SVCB, "00010000000002000300010000"}, /* mandatory port absent */
        {DZ_RR_CAA, "000069"},                      /* empty tag */
        {DZ_RR_CAA, "00022D2D"},                    /* non-alnum tag */
        {DZ_RR_OPT, "000A0005DEADBEEF"},
        {DZ_RR_TSIG, "00000000000100020004AABB"},
        {DZ_RR_EUI48, "00005E00532A2B"},
        {DZ_RR_DS, "000108"},
};

static void rdata_from_wire_rejects_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		uint8_t wire[512];
		uint8_t out[DZ_RDATA_MAXLEN];
		size_t n = unhex(malformed[i].wire, wire, sizeof(wire));
		int ret = dz_rdata_from_wire(malformed[i].type, wire, n, 0, n,
		                             out, sizeof(out));
		if (ret != DZ_EMALF) {
			print_error("case %zu (%s): %d\n", i, malformed[i].wire,
			            ret);
		}
		assert_int_equal(ret, DZ_EMALF);
		assert_int_equal(dz_rdata_check(malformed[i].type, wire, n),
		                 DZ_EMALF);
		char text[1024];
		assert_int_equal(dz_rdata_to_str(malformed[i].type, wire, n,
		                                 text, sizeof(text)),
		                 DZ_EMALF);
	}
}

static void rdata_from_wire_rdlen_past_packet_is_etrunc(void **state)
{
	(void)state;
	const uint8_t pkt[] = {192, 0, 2};
	uint8_t out[16];
	assert_int_equal(
	        dz_rdata_from_wire(DZ_RR_A, pkt, 3, 0, 4, out, sizeof(out)),
	        DZ_ETRUNC);
	assert_int_equal(
	        dz_rdata_from_wire(DZ_RR_A, pkt, 3, 4, 0, out, sizeof(out)),
	        DZ_ETRUNC);
}

/*
 * A hand-built message: header, then "example.com." at offset 12, then
 * rdata that points back at it.
 */
static size_t build_packet(uint8_t *pkt)
{
	static const uint8_t head[12] = {0x12, 0x34, 0x81, 0x80};
	static const uint8_t owner[] = "\007example\003com";
	memcpy(pkt, head, 12);
	memcpy(pkt + 12, owner, sizeof(owner)); /* includes the root octet */
	return 12 + sizeof(owner);
}

static void rdata_from_wire_decompresses_mx_ns_soa(void **state)
{
	(void)state;
	uint8_t pkt[256];
	uint8_t out[512];
	char text[512];
	size_t p = build_packet(pkt);

	/* MX 10 mail.<ptr 12> */
	size_t mx = p;
	const uint8_t mxr[] = {0, 10, 4, 'm', 'a', 'i', 'l', 0xC0, 12};
	memcpy(pkt + p, mxr, sizeof(mxr));
	p += sizeof(mxr);
	int n = dz_rdata_from_wire(DZ_RR_MX, pkt, p, mx, sizeof(mxr), out,
	                           sizeof(out));
	assert_int_equal(n, 2 + 18);
	assert_int_equal(
	        dz_rdata_to_str(DZ_RR_MX, out, (size_t)n, text, sizeof(text)),
	        strlen("10 mail.example.com."));
	assert_string_equal(text, "10 mail.example.com.");

	/* NS <ptr 12> */
	size_t ns = p;
	pkt[p++] = 0xC0;
	pkt[p++] = 12;
	n = dz_rdata_from_wire(DZ_RR_NS, pkt, p, ns, 2, out, sizeof(out));
	assert_int_equal(n, 13);
	assert_memory_equal(out, "\007example\003com", 13);

	/* SOA ns.<ptr 12> <ptr to "mail..." in the MX> 1 2 3 4 5 */
	size_t soa = p;
	const uint8_t soar[] = {2, 'n', 's', 0xC0, 12, 0xC0, (uint8_t)(mx + 2),
	                        0, 0,   0,   1,    0,  0,    0,
	                        2, 0,   0,   0,    3,  0,    0,
	                        0, 4,   0,   0,    0,  5};
	memcpy(pkt + p, soar, sizeof(soar));
	p += sizeof(soar);
	n = dz_rdata_from_wire(DZ_RR_SOA, pkt, p, soa, sizeof(soar), out,
	                       sizeof(out));
	assert_true(n > 0);
	assert_true(dz_rdata_to_str(DZ_RR_SOA, out, (size_t)n, text,
	                            sizeof(text)) > 0);
	assert_string_equal(text,
	                    "ns.example.com. mail.example.com. 1 2 3 4 5");
}

static void rdata_from_wire_keeps_pointers_out_of_new_types(void **state)
{
	(void)state;
	uint8_t pkt[256];
	uint8_t out[512];
	size_t p = build_packet(pkt);
	/* RFC 3597 §4: DNAME (RFC 6672) must not be compressed. */
	size_t at = p;
	pkt[p++] = 0xC0;
	pkt[p++] = 12;
	assert_int_equal(dz_rdata_from_wire(DZ_RR_DNAME, pkt, p, at, 2, out,
	                                    sizeof(out)),
	                 DZ_EMALF);
	/* SRV is decompressed (RFC 3597 §4 SHOULD, for RFC 2052 senders). */
	at = p;
	const uint8_t srv[] = {0, 1, 0, 2, 0, 3, 0xC0, 12};
	memcpy(pkt + p, srv, sizeof(srv));
	p += sizeof(srv);
	assert_int_equal(dz_rdata_from_wire(DZ_RR_SRV, pkt, p, at, sizeof(srv),
	                                    out, sizeof(out)),
	                 6 + 13);
}

static void rdata_from_wire_name_past_rdlen_is_malformed(void **state)
{
	(void)state;
	uint8_t pkt[256];
	uint8_t out[512];
	size_t p = build_packet(pkt);
	/* rdlen 3 covers only "\002ns", the rest of the name lies beyond. */
	size_t at = p;
	const uint8_t r[] = {2, 'n', 's', 0xC0, 12};
	memcpy(pkt + p, r, sizeof(r));
	p += sizeof(r);
	assert_int_equal(
	        dz_rdata_from_wire(DZ_RR_NS, pkt, p, at, 3, out, sizeof(out)),
	        DZ_EMALF);
	/* Forward pointer. */
	at = p;
	pkt[p] = 0xC0;
	pkt[p + 1] = (uint8_t)(p + 4);
	p += 2;
	assert_int_equal(
	        dz_rdata_from_wire(DZ_RR_NS, pkt, p, at, 2, out, sizeof(out)),
	        DZ_EPTR);
}

static void rdata_from_wire_small_output_is_espace(void **state)
{
	(void)state;
	const uint8_t a[] = {192, 0, 2, 1};
	uint8_t out[3];
	assert_int_equal(dz_rdata_from_wire(DZ_RR_A, a, 4, 0, 4, out, 3),
	                 DZ_ESPACE);
	assert_int_equal(dz_rdata_from_wire(4321, a, 4, 0, 4, out, 3),
	                 DZ_ESPACE);
}

static void rdata_to_wire_without_compression_copies(void **state)
{
	(void)state;
	const uint8_t mx[] = {0, 10, 1, 'a', 0};
	uint8_t pkt[16] = {0};
	assert_int_equal(
	        dz_rdata_to_wire(DZ_RR_MX, mx, 5, pkt, sizeof(pkt), 3, NULL),
	        5);
	assert_memory_equal(pkt + 3, mx, 5);
	assert_int_equal(dz_rdata_to_wire(DZ_RR_MX, mx, 5, pkt, 7, 3, NULL),
	                 DZ_ESPACE);
	assert_int_equal(dz_rdata_to_wire(DZ_RR_MX, mx, 5, pkt, 7, 9, NULL),
	                 DZ_ESPACE);
}

static void rdata_to_wire_compresses_only_rfc1035_types(void **state)
{
	(void)state;
	uint8_t pkt[256] = {0};
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	static const uint8_t owner[] = "\007example\003com";
	size_t p = 12;
	int n = dz_compr_put_name(&c, pkt, sizeof(pkt), p, owner, true);
	assert_int_equal(n, 13);
	p += (size_t)n;

	const uint8_t mx[] = {0,   10,  4,   'm', 'a', 'i', 'l', 7,   'E', 'X',
	                      'A', 'M', 'P', 'L', 'E', 3,   'c', 'o', 'm', 0};
	n = dz_rdata_to_wire(DZ_RR_MX, mx, sizeof(mx), pkt, sizeof(pkt), p, &c);
	assert_int_equal(n, 2 + 5 + 2);
	const uint8_t want[] = {0, 10, 4, 'm', 'a', 'i', 'l', 0xC0, 12};
	assert_memory_equal(pkt + p, want, sizeof(want));
	/* Reading it back restores the name. */
	uint8_t out[64];
	assert_int_equal(dz_rdata_from_wire(DZ_RR_MX, pkt, p + (size_t)n, p,
	                                    (size_t)n, out, sizeof(out)),
	                 2 + 18);
	p += (size_t)n;

	/* SRV's target is copied verbatim even with a table. */
	const uint8_t srv[] = {0,   1,   0,   2,   0, 3,   7,   'e', 'x', 'a',
	                       'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0};
	n = dz_rdata_to_wire(DZ_RR_SRV, srv, sizeof(srv), pkt, sizeof(pkt), p,
	                     &c);
	assert_int_equal(n, sizeof(srv));
	assert_memory_equal(pkt + p, srv, sizeof(srv));
	/* Not enough room. */
	assert_int_equal(
	        dz_rdata_to_wire(DZ_RR_MX, mx, sizeof(mx), pkt, p + 3, p, &c),
	        DZ_ESPACE);
}

static int cmp_str(uint16_t type, const char *a, const char *b)
{
	uint8_t wa[512];
	uint8_t wb[512];
	int na = dz_rdata_from_str(type, a, NULL, wa, sizeof(wa), NULL);
	int nb = dz_rdata_from_str(type, b, NULL, wb, sizeof(wb), NULL);
	assert_true(na >= 0 && nb >= 0);
	return dz_rdata_cmp(type, wa, (size_t)na, wb, (size_t)nb);
}

static void rdata_cmp_lowercases_names_of_listed_types(void **state)
{
	(void)state;
	/* RFC 4034 §6.2: MX, SOA, SRV, RRSIG names compare lowercased. */
	assert_int_equal(
	        cmp_str(DZ_RR_MX, "10 MAIL.example.", "10 mail.EXAMPLE."), 0);
	assert_int_equal(cmp_str(DZ_RR_SRV, "1 2 3 A.", "1 2 3 a."), 0);
	assert_int_equal(cmp_str(DZ_RR_RRSIG, "A 8 1 1 1 1 1 EX. AA==",
	                         "A 8 1 1 1 1 1 ex. AA=="),
	                 0);
	assert_int_equal(
	        cmp_str(DZ_RR_SOA, "A. B. 1 2 3 4 5", "a. b. 1 2 3 4 5"), 0);
	/* RFC 6840 §5.1: NSEC next names are not; RFC 3597 §7: nor are new
	 * types. */
	assert_true(cmp_str(DZ_RR_NSEC, "A. A", "a. A") < 0);
	assert_true(cmp_str(DZ_RR_SVCB, "1 A.", "1 a.") < 0);
	/* Text is never lowercased. */
	assert_true(cmp_str(DZ_RR_TXT, "A", "a") < 0);
	/* Octet order, then shorter first. */
	assert_true(cmp_str(DZ_RR_MX, "9 z.", "10 a.") < 0);
	assert_true(cmp_str(DZ_RR_TXT, "a", "a b") < 0);
	assert_true(cmp_str(DZ_RR_A, "192.0.2.2", "192.0.2.1") > 0);
	assert_int_equal(dz_rdata_cmp(4321, NULL, 0, NULL, 0), 0);
	/* Only A-Z fold: '[' (0x5B) must not become '{' (0x7B). */
	assert_true(cmp_str(DZ_RR_NS, "\\[.", "a.") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(rdata_roundtrip_every_type),
	        cmocka_unit_test(rdata_svcb_rfc9460_vectors),
	        cmocka_unit_test(rdata_from_str_errors_report_status_and_token),
	        cmocka_unit_test(rdata_txt_rejects_string_over_255),
	        cmocka_unit_test(rdata_from_tokens_uses_token_flags),
	        cmocka_unit_test(rdata_from_str_too_small_buffer_is_espace),
	        cmocka_unit_test(rdata_to_str_small_buffer_is_espace),
	        cmocka_unit_test(rdata_to_str_empty_key_uses_generic),
	        cmocka_unit_test(rdata_from_wire_rejects_malformed),
	        cmocka_unit_test(rdata_from_wire_rdlen_past_packet_is_etrunc),
	        cmocka_unit_test(rdata_from_wire_decompresses_mx_ns_soa),
	        cmocka_unit_test(
	                rdata_from_wire_keeps_pointers_out_of_new_types),
	        cmocka_unit_test(rdata_from_wire_name_past_rdlen_is_malformed),
	        cmocka_unit_test(rdata_from_wire_small_output_is_espace),
	        cmocka_unit_test(rdata_to_wire_without_compression_copies),
	        cmocka_unit_test(rdata_to_wire_compresses_only_rfc1035_types),
	        cmocka_unit_test(rdata_cmp_lowercases_names_of_listed_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
