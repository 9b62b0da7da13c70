// SPDX-License-Identifier: GPL-2.0
/*
 * Console output on lkvm's 8250 UART (arm64/layout.h: byte-wide registers
 * at LKVM_UART_BASE, reg-shift 0) and the rt_printf family.
 */
#include "rt-internal.h"

#include "arm64/layout.h"

#define RT_UART_THR 0 /* transmit holding register */
#define RT_UART_LSR 5 /* line status register */
#define RT_UART_LSR_THRE 0x20 /* THR empty: the next byte may be written */

/*
 * lkvm transmits at once, so THRE should always be set. Should it never be,
 * say so once and write without waiting, rather than hang with no output.
 */
#define RT_UART_POLL_LIMIT 1000

static bool uart_no_thre;

static void uart_putc(char c)
{
	unsigned int i;

	for (i = 0; !READ_ONCE(uart_no_thre); i++) {
		if (rt_readb(LKVM_UART_BASE + RT_UART_LSR) & RT_UART_LSR_THRE)
			break;
		if (i == RT_UART_POLL_LIMIT) {
			static const char msg[] =
				"\r\nbaremetal: UART LSR never shows THRE; "
				"writing without waiting\r\n";
			const char *p;

			WRITE_ONCE(uart_no_thre, true);
			for (p = msg; *p; p++)
				rt_writeb(*p, LKVM_UART_BASE + RT_UART_THR);
		}
		rt_cpu_relax();
	}
	rt_writeb(c, LKVM_UART_BASE + RT_UART_THR);
}

/* A terminal in raw mode needs the carriage return. */
void rt_console_putc(char c)
{
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
}

/*
 * The logical CPU holding the console, plus one (0: free). Whole lines
 * stay together when several CPUs print. The owner may take it again: an
 * exception handler that prints while its CPU was printing must not
 * deadlock. Not taken at all while only the boot CPU runs.
 */
static u32 console_owner;

static bool console_lock(void)
{
	u32 me, free;

	if (!READ_ONCE(rt_smp_active))
		return false;
	me = rt_smp_processor_id() + 1;
	if (__atomic_load_n(&console_owner, __ATOMIC_RELAXED) == me)
		return false;
	for (;;) {
		free = 0;
		if (__atomic_compare_exchange_n(&console_owner, &free, me,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
		rt_cpu_relax();
	}
}

static void console_unlock(bool locked)
{
	if (locked)
		__atomic_store_n(&console_owner, 0, __ATOMIC_RELEASE);
}

/* ---- formatting ---- */

struct rt_out {
	char *buf; /* NULL: the console */
	size_t size;
	size_t len; /* characters produced, also those that did not fit */
};

static void out_char(struct rt_out *o, char c)
{
	if (!o->buf)
		rt_console_putc(c);
	else if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct rt_out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

struct spec {
	bool left; /* '-' */
	bool zero; /* '0' */
	bool alt; /* '#' */
	bool plus; /* '+' */
	bool space; /* ' ' */
	int width;
	int prec; /* -1: none given */
};

static void out_string(struct rt_out *o, const char *s, const struct spec *sp)
{
	size_t n = sp->prec >= 0 ? rt_strnlen(s, sp->prec) : rt_strlen(s);
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!sp->left)
		out_pad(o, ' ', pad);
	while (n--)
		out_char(o, *s++);
	if (sp->left)
		out_pad(o, ' ', pad);
}

/* prefix_0x: always "0x", as %p wants, not only for '#' and a non-zero. */
static void out_number(struct rt_out *o, u64 val, bool neg, unsigned int base,
		       bool upper, bool prefix_0x, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24]; /* 22 octal digits for 64 bits */
	const char *prefix = "";
	char sign = 0;
	int n = 0, zeros, total, pad;

	if (neg)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';
	if (base == 16 && (prefix_0x || (sp->alt && val)))
		prefix = upper ? "0X" : "0x";

	while (val) {
		tmp[n++] = digits[val % base];
		val /= base;
	}
	/* C: zero with precision 0 prints no digit, except "%#o". */
	if (!n && (sp->prec != 0 || (base == 8 && sp->alt)))
		tmp[n++] = '0';
	else if (base == 8 && sp->alt && tmp[n - 1] != '0')
		tmp[n++] = '0';

	zeros = sp->prec > n ? sp->prec - n : 0;
	total = (sign ? 1 : 0) + (int)rt_strlen(prefix) + zeros + n;
	if (!sp->left && sp->zero && sp->prec < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	pad = sp->width > total ? sp->width - total : 0;

	if (!sp->left)
		out_pad(o, ' ', pad);
	if (sign)
		out_char(o, sign);
	while (*prefix)
		out_char(o, *prefix++);
	out_pad(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (sp->left)
		out_pad(o, ' ', pad);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG };

static int format(struct rt_out *o, const char *fmt, va_list ap)
{
	while (*fmt) {
		struct spec sp = { .prec = -1 };
		enum length len = LEN_INT;
		unsigned int base = 10;
		bool upper = false;
		char conv, ch;
		u64 uval;
		s64 sval;

		if (*fmt != '%') {
			out_char(o, *fmt++);
			continue;
		}
		fmt++;

		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else if (*fmt == '#')
				sp.alt = true;
			else if (*fmt == '+')
				sp.plus = true;
			else if (*fmt == ' ')
				sp.space = true;
			else
				break;
		}

		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}

		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}

		/* size_t, intmax_t and ptrdiff_t are all long on arm64. */
		if (*fmt == 'h') {
			fmt++;
			len = LEN_SHORT;
			if (*fmt == 'h') {
				fmt++;
				len = LEN_CHAR;
			}
		} else if (*fmt == 'l') {
			fmt++;
			len = LEN_LONG;
			if (*fmt == 'l') {
				fmt++;
				len = LEN_LLONG;
			}
		} else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') {
			fmt++;
			len = LEN_LONG;
		}

		conv = *fmt;
		if (!conv)
			break;
		fmt++;

		switch (conv) {
		case 'd':
		case 'i':
			switch (len) {
			case LEN_CHAR:
				sval = (signed char)va_arg(ap, int);
				break;
			case LEN_SHORT:
				sval = (short)va_arg(ap, int);
				break;
			case LEN_LONG:
				sval = va_arg(ap, long);
				break;
			case LEN_LLONG:
				sval = va_arg(ap, long long);
				break;
			default:
				sval = va_arg(ap, int);
				break;
			}
			uval = sval < 0 ? -(u64)sval : (u64)sval;
			out_number(o, uval, sval < 0, 10, false, false, &sp);
			break;
		case 'X':
			upper = true;
			/* fall through */
		case 'x':
			base = 16;
			/* fall through */
		case 'o':
			if (conv == 'o')
				base = 8;
			/* fall through */
		case 'u':
			switch (len) {
			case LEN_CHAR:
				uval = (unsigned char)va_arg(ap, unsigned int);
				break;
			case LEN_SHORT:
				uval = (unsigned short)va_arg(ap, unsigned int);
				break;
			case LEN_LONG:
				uval = va_arg(ap, unsigned long);
				break;
			case LEN_LLONG:
				uval = va_arg(ap, unsigned long long);
				break;
			default:
				uval = va_arg(ap, unsigned int);
				break;
			}
			/* '+' and ' ' apply to signed conversions only. */
			sp.plus = sp.space = false;
			out_number(o, uval, false, base, upper, false, &sp);
			break;
		case 'p':
			uval = (unsigned long)va_arg(ap, void *);
			sp.plus = sp.space = false;
			out_number(o, uval, false, 16, false, true, &sp);
			break;
		case 'c':
			ch = (char)va_arg(ap, int);
			if (!sp.left)
				out_pad(o, ' ', sp.width - 1);
			out_char(o, ch);
			if (sp.left)
				out_pad(o, ' ', sp.width - 1);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			out_string(o, s ? s : "(null)", &sp);
			break;
		}
		case '%':
			out_char(o, '%');
			break;
		default:
			/* Unknown: show it as written rather than guess. */
			out_char(o, '%');
			out_char(o, conv);
			break;
		}
	}
	return (int)o->len;
}

/* ---- the public functions ---- */

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	/* buf with size 0 only measures; out.buf must still be non-NULL. */
	static char dummy;
	struct rt_out o = { .buf = size ? buf : &dummy, .size = size };
	int ret = format(&o, fmt, ap);

	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return ret;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = rt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

/* IRQs masked: a handler that prints must not wait for its own CPU. */
int rt_vprintf(const char *fmt, va_list ap)
{
	struct rt_out o = { 0 };
	u64 flags = rt_local_daif_save();
	bool locked = console_lock();

	format(&o, fmt, ap);
	console_unlock(locked);
	rt_local_daif_restore(flags);
	return (int)o.len;
}

int rt_printf(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = rt_vprintf(fmt, ap);
	va_end(ap);
	return ret;
}

int rt_printf_unlocked(const char *fmt, ...)
{
	struct rt_out o = { 0 };
	va_list ap;

	va_start(ap, fmt);
	format(&o, fmt, ap);
	va_end(ap);
	return (int)o.len;
}

int rt_putchar(int c)
{
	u64 flags = rt_local_daif_save();
	bool locked = console_lock();

	rt_console_putc((char)c);
	console_unlock(locked);
	rt_local_daif_restore(flags);
	return (unsigned char)c;
}

int rt_puts(const char *s)
{
	u64 flags = rt_local_daif_save();
	bool locked = console_lock();

	while (*s)
		rt_console_putc(*s++);
	rt_console_putc('\n');
	console_unlock(locked);
	rt_local_daif_restore(flags);
	return 0;
}
