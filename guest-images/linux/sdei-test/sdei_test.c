// SPDX-License-Identifier: GPL-2.0
/*
 * sdei_test: an out-of-tree module for the lab's Debian guest kernel that
 * drives the kernel's own SDEI client (drivers/firmware/arm_sdei.c) for
 * the events it is given, and reports what its handler saw.
 *
 *   insmod sdei_test.ko events=100,300
 *
 * registers and enables each event through sdei_event_register() and
 * sdei_event_enable(); the handler counts its runs per event and CPU and
 * how many of them interrupted code with IRQs masked. Reading
 * /sys/module/sdei_test/parameters/report gives one line per event and
 * CPU that ran it: "event=E cpu=C count=N irqs_masked=M". Unloading
 * disables and unregisters the events.
 *
 * Writing "C N" to /sys/module/sdei_test/parameters/spin starts a kernel
 * thread bound to CPU C that spins there with interrupts disabled
 * (local_irq_save) until N handler runs have happened on that CPU, or
 * SPIN_LIMIT_MS have passed: the report then ends with "spin cpu=C
 * wanted=N hits=H". SDEI events are NMI-like: they must arrive even then.
 * "spinning" reads the CPU spinning (-1: none), so that the host raises
 * the events only once the spin runs, and sees when it ended. (The write
 * returns at once: sysfs holds the parameters' lock while a write runs,
 * so a spin in the write itself would keep "spinning" from being read.)
 *
 * With hold_event=E (a writable parameter), the next run of E's handler
 * waits (HOLD_LIMIT_MS at most) for another event's handler to interrupt
 * it on the same CPU: the report then says "hold event=E cpu=C inner=F"
 * (F 0: none came). A critical event must get in; a normal one must wait.
 *
 * Writing "E C" to "route" routes the shared event E to CPU C (SDEI
 * EVENT_ROUTING_SET, RM_PE with C's MPIDR, between the kernel's disable
 * and enable of E, as section 5.1.10 requires), so that a test knows
 * where it runs; the kernel's client registers shared events RM_ANY.
 *
 * At load, before registering, each event's EVENT_STATUS is logged
 * ("sdei_test: event E status S before register"): a kernel started by
 * kexec or a reboot sees whether the firmware kept anything of the last
 * one. A reboot notifier that runs after the SDEI client's own (which
 * resets the firmware's state) logs the status of each event again, as
 * seen from the rebooting CPU, at KERN_EMERG so that a quiet console
 * shows it: "sdei_test: after the reboot notifiers: event E status S".
 *
 * With stamp_event=E, each run of E's handler (up to 64) stores the
 * virtual counter at entry: the report lists them, "stamp I COUNTER", for
 * the lab to set against the host's times of its signals, after "freq HZ",
 * the counter's frequency.
 *
 * With linger_event=E, the next run of E's handler stays in the handler
 * (LINGER_LIMIT_MS at most) until the module is unloaded: "lingering"
 * reads the CPU it runs on (-1: none), so that the module can be removed
 * while one of its events is in flight. Unloading then does what the kernel's header asks
 * of a driver: it disables and unregisters each event; when the kernel
 * answers -EINPROGRESS (the firmware's PENDING: the handler is running),
 * it lets the handler finish and polls the firmware's EVENT_STATUS for the
 * event (through the conduit the device tree's arm,sdei-1.0 node names)
 * until the unregistration has taken effect, and says so in the kernel
 * log:
 *   "sdei_test: event E unregister pending (-115)"
 *   "sdei_test: event E unregistered by the firmware at COMPLETE
 *    (status S after U us)"
 * The module is gone only once none of its handlers runs any more.
 *
 * The kernel exports neither its SDEI API nor cpu_logical_map to modules:
 * the functions are found at load time through a kprobe on each name
 * (register_kprobe() fills in the address; the probe is removed at once).
 */
#include <linux/arm_sdei.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/arm-smccc.h>
#include <linux/of.h>
#include <linux/ptrace.h>
#include <linux/reboot.h>
#include <asm/arch_timer.h>
#include <asm/cputype.h>
#include <linux/smp.h>
#include <uapi/linux/arm_sdei.h>

#define MAX_EVENTS 8
#define MAX_CPUS 8

static unsigned int events[MAX_EVENTS];
static int nr_events;
module_param_array(events, uint, &nr_events, 0444);
MODULE_PARM_DESC(events, "SDEI event numbers to register and enable");

static int (*p_register)(u32 event, sdei_event_callback *cb, void *arg);
static int (*p_unregister)(u32 event);
static int (*p_enable)(u32 event);
static int (*p_disable)(u32 event);

static atomic_t count[MAX_EVENTS][MAX_CPUS];
/* The CPU spinning with IRQs off, or -1; handler runs on it meanwhile. */
#define SPIN_LIMIT_MS 20000
static int spinning_cpu = -1;
module_param_named(spinning, spinning_cpu, int, 0444);
MODULE_PARM_DESC(spinning, "the CPU spinning with IRQs off, or -1");
static atomic_t spin_hits;
static int spin_done_cpu = -1, spin_done_wanted, spin_done_hits;
/* Set while a spin thread runs (from its start to its last access). */
static atomic_t spin_busy;

#define MAX_STAMPS 64
static unsigned int stamp_event;
module_param(stamp_event, uint, 0644);
MODULE_PARM_DESC(stamp_event, "the event whose handler entries are timed");
static u64 stamps[MAX_STAMPS];
static atomic_t nr_stamps;

static unsigned int hold_event;
module_param(hold_event, uint, 0644);
MODULE_PARM_DESC(hold_event, "the event whose next run waits for another");
/* The CPU whose handler holds, or -1; the first event that got in. */
static int holding_cpu = -1;
static atomic_t inner_event;
static int hold_done_cpu = -1;
static unsigned int hold_done_event, hold_done_inner;

/* Waits (in the handler) for another event's handler on this CPU. */
#define HOLD_LIMIT_MS 20000
static void hold(unsigned int event, unsigned int cpu)
{
	atomic_set(&inner_event, 0);
	WRITE_ONCE(holding_cpu, cpu);
	for (int ms = 0; ms < HOLD_LIMIT_MS && !atomic_read(&inner_event); ms++)
		mdelay(1);
	WRITE_ONCE(holding_cpu, -1);
	hold_done_inner = atomic_read(&inner_event);
	hold_done_event = event;
	hold_done_cpu = cpu;
}
static atomic_t masked[MAX_EVENTS][MAX_CPUS];
static bool registered[MAX_EVENTS];

static unsigned int linger_event;
module_param(linger_event, uint, 0644);
MODULE_PARM_DESC(linger_event, "the event whose next run stays until unload");
static int lingering = -1;
module_param(lingering, int, 0444);
MODULE_PARM_DESC(lingering, "the CPU whose handler lingers, or -1");
static bool linger_done, release_linger;
/* Handler runs inside this module's code: unload waits for none. */
static atomic_t in_handler;

/* Stays in the handler until the module's unload releases it (30 s at most). */
#define LINGER_LIMIT_MS 30000
static void linger(unsigned int cpu)
{
	linger_done = true;
	WRITE_ONCE(lingering, cpu);
	for (int ms = 0; ms < LINGER_LIMIT_MS && !READ_ONCE(release_linger);
	     ms++)
		mdelay(1);
	WRITE_ONCE(lingering, -1);
}

static unsigned long lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

/* Runs in NMI-like context: no locks, no sleeping, no printk. */
static int sdei_test_handler(u32 event, struct pt_regs *regs, void *arg)
{
	u64 now = __arch_counter_get_cntvct();
	long i = (long)arg;
	unsigned int cpu = smp_processor_id();

	if (event == READ_ONCE(stamp_event)) {
		int n = atomic_inc_return(&nr_stamps) - 1;

		if (n < MAX_STAMPS)
			stamps[n] = now;
	}
	if (i < 0 || i >= MAX_EVENTS || cpu >= MAX_CPUS)
		return 0;
	atomic_inc(&in_handler);
	atomic_inc(&count[i][cpu]);
	if (READ_ONCE(spinning_cpu) == (int)cpu)
		atomic_inc(&spin_hits);
	if (READ_ONCE(holding_cpu) == (int)cpu)
		atomic_cmpxchg(&inner_event, 0, event);
	if (event == READ_ONCE(hold_event) && hold_done_cpu < 0 &&
	    READ_ONCE(holding_cpu) < 0)
		hold(event, cpu);
	if (event == READ_ONCE(linger_event) && !linger_done)
		linger(cpu);
	if (!interrupts_enabled(regs))
		atomic_inc(&masked[i][cpu]);
	atomic_dec(&in_handler);
	return 0;
}

static int report_get(char *buf, const struct kernel_param *kp)
{
	int len = 0;

	for (int i = 0; i < nr_events; i++)
		for (int c = 0; c < MAX_CPUS; c++) {
			int n = atomic_read(&count[i][c]);

			if (!n)
				continue;
			len += sysfs_emit_at(
				buf, len,
				"event=%u cpu=%d count=%d irqs_masked=%d\n",
				events[i], c, n, atomic_read(&masked[i][c]));
		}
	if (atomic_read(&nr_stamps))
		len += sysfs_emit_at(buf, len, "freq %u\n",
				     arch_timer_get_cntfrq());
	for (int n = 0; n < min(atomic_read(&nr_stamps), MAX_STAMPS); n++)
		len += sysfs_emit_at(buf, len, "stamp %d %llu\n", n, stamps[n]);
	if (hold_done_cpu >= 0)
		len += sysfs_emit_at(buf, len,
				     "hold event=%u cpu=%d inner=%u\n",
				     hold_done_event, hold_done_cpu,
				     hold_done_inner);
	if (spin_done_cpu >= 0)
		len += sysfs_emit_at(buf, len,
				     "spin cpu=%d wanted=%d hits=%d\n",
				     spin_done_cpu, spin_done_wanted,
				     spin_done_hits);
	if (!len)
		len = sysfs_emit(buf, "none\n");
	return len;
}

/*
 * Spins with interrupts off until `wanted` handler runs on this CPU, or
 * SPIN_LIMIT_MS: ends on the state the test waits for, not after a time
 * the events may or may not fit in.
 */
static int spin_thread(void *data)
{
	unsigned int wanted = (unsigned long)data;
	unsigned long flags;
	int cpu;

	local_irq_save(flags);
	cpu = smp_processor_id();
	atomic_set(&spin_hits, 0);
	WRITE_ONCE(spinning_cpu, cpu);
	for (int ms = 0;
	     ms < SPIN_LIMIT_MS && atomic_read(&spin_hits) < (int)wanted; ms++)
		mdelay(1);
	spin_done_hits = atomic_read(&spin_hits);
	spin_done_cpu = cpu;
	spin_done_wanted = wanted;
	WRITE_ONCE(spinning_cpu, -1);
	local_irq_restore(flags);
	atomic_set(&spin_busy, 0);
	return 0;
}

static int spin_set(const char *val, const struct kernel_param *kp)
{
	unsigned int cpu, wanted;
	struct task_struct *t;

	if (sscanf(val, "%u %u", &cpu, &wanted) != 2 || !wanted ||
	    wanted > 1000 || cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	if (atomic_cmpxchg(&spin_busy, 0, 1))
		return -EBUSY;
	t = kthread_create(spin_thread, (void *)(unsigned long)wanted,
			   "sdei_test_spin");
	if (IS_ERR(t)) {
		atomic_set(&spin_busy, 0);
		return PTR_ERR(t);
	}
	kthread_bind(t, cpu);
	wake_up_process(t);
	return 0;
}

static const struct kernel_param_ops spin_ops = { .set = spin_set };
module_param_cb(spin, &spin_ops, NULL, 0200);
MODULE_PARM_DESC(
	spin,
	"\"C N\": spin with IRQs off on CPU C until N handler runs there");

static const struct kernel_param_ops report_ops = { .get = report_get };
module_param_cb(report, &report_ops, NULL, 0444);
MODULE_PARM_DESC(report, "what the handler saw, per event and CPU");

/*
 * A direct call to the firmware's SDEI interface, for what the kernel keeps
 * to itself (its wrappers are static): the conduit is the one the
 * arm,sdei-1.0 node's "method" names, as the kernel's client chooses it.
 */
static long fw_call(u32 fn, u64 arg1, u64 arg2, u64 arg3)
{
	struct arm_smccc_res res;
	struct device_node *np;
	const char *method;
	bool smc;

	np = of_find_compatible_node(NULL, NULL, "arm,sdei-1.0");
	if (!np || of_property_read_string(np, "method", &method)) {
		of_node_put(np);
		return SDEI_NOT_SUPPORTED;
	}
	smc = !strcmp(method, "smc");
	of_node_put(np);
	if (smc)
		arm_smccc_1_1_smc(fn, arg1, arg2, arg3, &res);
	else
		arm_smccc_1_1_hvc(fn, arg1, arg2, arg3, &res);
	return (long)res.a0;
}

static void read_mpidr(void *mpidr)
{
	*(u64 *)mpidr = read_cpuid_mpidr() & MPIDR_HWID_BITMASK;
}

/*
 * "E C": EVENT_ROUTING_SET (SDEI 1.1 section 5.1.10) of shared event E to
 * CPU C, RM_PE. The call is valid on a registered, disabled event: the
 * kernel's own disable and enable go around it.
 */
static int route_set(const char *val, const struct kernel_param *kp)
{
	unsigned int event, cpu;
	u64 mpidr;
	long ret;
	int err;

	/* Not as a load-time parameter: the API is found in init. */
	if (!p_disable)
		return -EAGAIN;
	if (sscanf(val, "%u %u", &event, &cpu) != 2 || cpu >= nr_cpu_ids ||
	    !cpu_online(cpu))
		return -EINVAL;
	if (smp_call_function_single(cpu, read_mpidr, &mpidr, 1))
		return -EIO;
	err = p_disable(event);
	if (err)
		return err;
	ret = fw_call(SDEI_1_0_FN_SDEI_EVENT_ROUTING_SET, event,
		      SDEI_EVENT_REGISTER_RM_PE, mpidr);
	err = p_enable(event);
	pr_info("sdei_test: event %u routed to cpu %u (mpidr %#llx): %ld, enable %d\n",
		event, cpu, mpidr, ret, err);
	return ret ? -EIO : err;
}

static const struct kernel_param_ops route_ops = { .set = route_set };
module_param_cb(route, &route_ops, NULL, 0200);
MODULE_PARM_DESC(route, "\"E C\": route shared event E to CPU C (RM_PE)");

static int after_reboot_notifiers(struct notifier_block *nb,
				  unsigned long action, void *data)
{
	for (int i = 0; i < nr_events; i++)
		pr_emerg(
			"sdei_test: after the reboot notifiers: event %u status %ld\n",
			events[i],
			fw_call(SDEI_1_0_FN_SDEI_EVENT_STATUS, events[i], 0,
				0));
	return NOTIFY_OK;
}

/* After every other reboot notifier: the SDEI client's resets included. */
static struct notifier_block reboot_nb = {
	.notifier_call = after_reboot_notifiers,
	.priority = INT_MIN,
};

/*
 * UNREGISTER of a running event is PENDING and takes effect when its
 * handler completes (SDEI 1.1 section 5.1.7): let the handler finish and
 * watch the firmware's EVENT_STATUS (section 5.1.8) until the event is
 * neither registered nor running. The kernel keeps its own record of the
 * event after -EINPROGRESS (it drops it only on success, and by now a
 * second UNREGISTER is DENIED), so this boot cannot register it again.
 */
static void wait_unregistered(u32 event)
{
	const long gone = BIT(SDEI_EVENT_STATUS_REGISTERED) |
			  BIT(SDEI_EVENT_STATUS_RUNNING);
	long status = SDEI_NOT_SUPPORTED;
	unsigned int us;

	WRITE_ONCE(release_linger, true);
	for (us = 0; us < 2000000; us += 100) {
		status = fw_call(SDEI_1_0_FN_SDEI_EVENT_STATUS, event, 0, 0);
		if (status >= 0 && !(status & gone))
			break;
		udelay(100);
	}
	if (status >= 0 && !(status & gone))
		pr_info("sdei_test: event %u unregistered by the firmware at COMPLETE (status %ld after %u us)\n",
			event, status, us);
	else
		pr_err("sdei_test: event %u still registered or running (status %ld after %u us)\n",
		       event, status, us);
}

static void unregister_one(int i)
{
	u32 event = events[i];
	int err;

	/*
	 * A private event's calls are cross-calls, which wait for a handler
	 * running on another CPU (exceptions masked) to finish: release a
	 * lingering one first. A shared event's are made here, and see
	 * PENDING while its handler runs.
	 */
	if (fw_call(SDEI_1_0_FN_SDEI_EVENT_GET_INFO, event,
		    SDEI_EVENT_INFO_EV_TYPE, 0) != SDEI_EVENT_TYPE_SHARED)
		WRITE_ONCE(release_linger, true);
	p_disable(event);
	err = p_unregister(event);
	if (err == -EINPROGRESS) {
		pr_info("sdei_test: event %u unregister pending (%d)\n", event,
			err);
		wait_unregistered(event);
	} else {
		pr_info("sdei_test: event %u unregistered (%d)\n", event, err);
	}
	registered[i] = false;
}

static void sdei_test_cleanup(void)
{
	/* The lingering event first: the others' cross-calls wait for it. */
	for (int i = 0; i < nr_events; i++)
		if (registered[i] && events[i] == READ_ONCE(linger_event))
			unregister_one(i);
	WRITE_ONCE(release_linger, true);
	for (int i = 0; i < nr_events; i++)
		if (registered[i])
			unregister_one(i);
	/* The module's text goes away once this returns. */
	while (atomic_read(&in_handler) || atomic_read(&spin_busy))
		cpu_relax();
}

static int __init sdei_test_init(void)
{
	p_register = (void *)lookup("sdei_event_register");
	p_unregister = (void *)lookup("sdei_event_unregister");
	p_enable = (void *)lookup("sdei_event_enable");
	p_disable = (void *)lookup("sdei_event_disable");
	if (!p_register || !p_unregister || !p_enable || !p_disable) {
		pr_err("sdei_test: the kernel's SDEI API was not found\n");
		return -ENOENT;
	}
	register_reboot_notifier(&reboot_nb);
	for (int i = 0; i < nr_events; i++) {
		int err;

		pr_info("sdei_test: event %u status %ld before register\n",
			events[i],
			fw_call(SDEI_1_0_FN_SDEI_EVENT_STATUS, events[i], 0,
				0));
		err = p_register(events[i], sdei_test_handler, (void *)(long)i);

		if (!err) {
			registered[i] = true;
			err = p_enable(events[i]);
		}
		pr_info("sdei_test: event %u registered and enabled (%d)\n",
			events[i], err);
		if (err) {
			unregister_reboot_notifier(&reboot_nb);
			sdei_test_cleanup();
			return err;
		}
	}
	return 0;
}

static void __exit sdei_test_exit(void)
{
	unregister_reboot_notifier(&reboot_nb);
	sdei_test_cleanup();
}

module_init(sdei_test_init);
module_exit(sdei_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lkvm lab: the kernel's SDEI client under test");
