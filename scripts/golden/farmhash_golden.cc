// TensorFlow-mode hash oracle for fixtures/golden/hash_tf.json, driven by make_hash_golden.py.
//
// Fingerprint64 comes from the real FarmHash library (Debian libfarmhash-dev, util::Fingerprint64),
// which TensorFlow uses for string_to_hash_bucket_fast and sparse_cross_hashed. FingerprintCat64 is
// written from TF's formula (tensorflow/core/platform/fingerprint.h, SEMANTICS.md §17) in native
// uint64 arithmetic, so wrap-around is the machine's, not ours.
//
// Build: g++ -O2 -std=c++17 -o farmhash_golden farmhash_golden.cc -lfarmhash
// stdin, one query per line; stdout, one decimal uint64 per line:
//   F <hex bytes>                      -> Fingerprint64(bytes)            ("-" for no bytes)
//   C <hash_key> <item> <item> ...     -> h = hash_key; h = FingerprintCat64(h, v(item)) per item
//      item "s:<hex bytes>" (v = Fingerprint64(bytes)) or "i:<int64>" (v = the int64 as uint64)
#include <farmhash.h>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

namespace {

uint64_t ShiftMix(uint64_t v) { return v ^ (v >> 47); }

uint64_t FingerprintCat64(uint64_t fp1, uint64_t fp2) {
  const uint64_t kMul = 0xc6a4a7935bd1e995ULL;
  uint64_t result = fp1 ^ kMul;
  result ^= ShiftMix(fp2 * kMul) * kMul;
  result *= kMul;
  result = ShiftMix(result) * kMul;
  result = ShiftMix(result);
  return result;
}

std::string FromHex(const std::string& hex) {
  std::string out;
  if (hex == "-") return out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

uint64_t Fp(const std::string& bytes) { return util::Fingerprint64(bytes.data(), bytes.size()); }

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string op;
    in >> op;
    uint64_t h = 0;
    if (op == "F") {
      std::string hex;
      in >> hex;
      h = Fp(FromHex(hex));
    } else if (op == "C") {
      std::string key, item;
      in >> key;
      h = std::stoull(key);
      while (in >> item) {
        const std::string body = item.substr(2);
        const uint64_t v = item[0] == 's' ? Fp(FromHex(body)) : static_cast<uint64_t>(std::stoll(body));
        h = FingerprintCat64(h, v);
      }
    } else {
      std::fprintf(stderr, "bad query: %s\n", line.c_str());
      return 2;
    }
    std::printf("%llu\n", static_cast<unsigned long long>(h));
  }
  return 0;
}
