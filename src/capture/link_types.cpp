#include "tlsdiag/capture/link_types.h"

#include <pcap/pcap.h>

namespace tlsdiag::capture {

std::string link_type_name(int linktype) {
  if (const char* name = pcap_datalink_val_to_name(linktype); name != nullptr) return name;
  // LINKTYPE_RAW (101) has no DLT_ of the same value on Linux; libpcap maps it to DLT_RAW.
  if (linktype == link_type::kRaw) return "RAW";
  return "LINKTYPE_" + std::to_string(linktype);
}

}  // namespace tlsdiag::capture
