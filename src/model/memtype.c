/* model/memtype: names.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "model/memtype.h"

const char *iow_memtype_name(unsigned type)
{
	static const char *const names[IOW_MT_COUNT] = {
		[IOW_MT_WB] = "WB",
		[IOW_MT_WC] = "WC",
		[IOW_MT_UC_MINUS] = "UC-",
		[IOW_MT_UC] = "UC",
		[IOW_MT_WT] = "WT",
		[IOW_MT_WP] = "WP",
		[IOW_MT_DEVICE_NGNRNE] = "Device-nGnRnE",
		[IOW_MT_DEVICE_NGNRE] = "Device-nGnRE",
		[IOW_MT_DEVICE_NGRE] = "Device-nGRE",
		[IOW_MT_DEVICE_GRE] = "Device-GRE",
		[IOW_MT_NORMAL_NC] = "Normal-NC",
		[IOW_MT_NORMAL_WT] = "Normal-WT",
		[IOW_MT_NORMAL_WB] = "Normal-WB",
		[IOW_MT_NORMAL_TAGGED] = "Normal-Tagged",
		[IOW_MT_UNKNOWN] = "unknown",
	};

	return type < IOW_MT_COUNT ? names[type] : "unknown";
}

bool iow_memtype_is_device(unsigned type)
{
	return type >= IOW_MT_DEVICE_NGNRNE && type <= IOW_MT_DEVICE_GRE;
}

bool iow_memtype_is_cacheable_normal(unsigned type)
{
	return type == IOW_MT_NORMAL_WT || type == IOW_MT_NORMAL_WB || type == IOW_MT_NORMAL_TAGGED;
}

bool iow_memtype_is_ram_default(unsigned type)
{
	return type == IOW_MT_WB || type == IOW_MT_NORMAL_WB || type == IOW_MT_NORMAL_TAGGED;
}
