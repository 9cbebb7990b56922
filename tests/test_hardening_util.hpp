// Builders of hostile inputs for the hardening tests: hand-written PDFs with a correct xref table,
// and a FlateDecode stream that inflates to gigabytes, written without zlib (a fixed-Huffman
// deflate block of repeated length-258, distance-1 matches: 13 bits per 258 bytes, so 2 GiB of
// content costs 13.5 MB of file).
#pragma once

#include "testutil.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gt_hardening {

// One object of a hand-written PDF: its body between "N 0 obj" and "endobj".
struct PdfObject {
    std::string body;
};

// A PDF from numbered objects (1-based, in order) with a correct cross-reference table; object 1
// must be the catalog.
inline std::string pdf_from_objects(const std::vector<std::string>& objects,
                                    const std::string& trailer_extra = "") {
    std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    std::size_t xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (std::size_t off : offsets) {
        char line[32];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
        out += line;
    }
    out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R " +
           trailer_extra + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

inline std::string pdf_stream(const std::string& data, const std::string& dict_extra = "") {
    return "<< /Length " + std::to_string(data.size()) + " " + dict_extra + " >>\nstream\n" + data +
           "\nendstream";
}

// A text operator drawing one line at (72, y) in Helvetica 11.
inline std::string pdf_text_line(double y, const std::string& text) {
    std::string escaped;
    for (char c : text) {
        if (c == '(' || c == ')' || c == '\\')
            escaped.push_back('\\');
        escaped.push_back(c);
    }
    return "BT /F1 11 Tf 72 " + std::to_string(y) + " Td (" + escaped + ") Tj ET\n";
}

// A PDF of pages whose content streams are given (raw content operators), with Helvetica as /F1.
// stream_dicts, when given, adds entries (e.g. "/Filter /FlateDecode") to each content stream.
inline std::string make_pdf(const std::vector<std::string>& contents,
                            const std::vector<std::string>& stream_dicts = {}) {
    std::vector<std::string> objs;
    objs.push_back("<< /Type /Catalog /Pages 2 0 R >>");
    std::string kids;
    for (std::size_t i = 0; i < contents.size(); ++i)
        kids += std::to_string(4 + 2 * i) + " 0 R ";
    objs.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " +
                   std::to_string(contents.size()) + " >>");
    objs.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    for (std::size_t i = 0; i < contents.size(); ++i) {
        objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
                       "<< /F1 3 0 R >> >> /Contents " +
                       std::to_string(5 + 2 * i) + " 0 R >>");
        objs.push_back(pdf_stream(contents[i], i < stream_dicts.size() ? stream_dicts[i] : ""));
    }
    return pdf_from_objects(objs);
}

// A text PDF of a small numbered guidance document on two pages.
inline std::string text_pdf() {
    std::string p1 = pdf_text_line(720, "Sample guidance for hardening tests") +
                     pdf_text_line(690, "1. Local safeguarding partners must publish their "
                                        "arrangements.") +
                     pdf_text_line(670, "2. Schools should name a designated lead.");
    std::string p2 = pdf_text_line(720, "3. Reviews are sent to the panel within 15 days.") +
                     pdf_text_line(700, "4. Training is refreshed every two years.");
    return make_pdf({p1, p2});
}

// Writes bits least-significant first, as deflate does.
class BitWriter {
  public:
    void bits(std::uint32_t value, int count) { // value's low `count` bits, LSB first
        for (int i = 0; i < count; ++i)
            bit((value >> i) & 1u);
    }
    void code(std::uint32_t code, int length) { // a Huffman code, most significant bit first
        for (int i = length - 1; i >= 0; --i)
            bit((code >> i) & 1u);
    }
    std::string finish() {
        if (used_)
            out_.push_back(static_cast<char>(cur_));
        used_ = 0;
        cur_ = 0;
        return std::move(out_);
    }

  private:
    void bit(std::uint32_t b) {
        cur_ |= static_cast<std::uint8_t>(b << used_);
        if (++used_ == 8) {
            out_.push_back(static_cast<char>(cur_));
            used_ = 0;
            cur_ = 0;
        }
    }
    std::string out_;
    std::uint8_t cur_ = 0;
    int used_ = 0;
};

inline void fixed_literal(BitWriter& w, unsigned char c) {
    if (c < 144)
        w.code(0x30u + c, 8);
    else
        w.code(0x190u + (c - 144u), 9);
}

// A zlib stream of prefix + `fill` repeated (1 + 258 * matches) times + suffix.
inline std::string zlib_bomb(const std::string& prefix, char fill, std::uint64_t matches,
                             const std::string& suffix) {
    BitWriter w;
    w.bits(1, 1); // BFINAL
    w.bits(1, 2); // BTYPE = fixed Huffman
    for (unsigned char c : prefix)
        fixed_literal(w, c);
    fixed_literal(w, static_cast<unsigned char>(fill));
    for (std::uint64_t i = 0; i < matches; ++i) {
        w.code(0xC5, 8); // length code 285: 258 bytes
        w.code(0, 5);    // distance code 0: distance 1
    }
    for (unsigned char c : suffix)
        fixed_literal(w, c);
    w.code(0, 7); // end of block
    std::string deflate = w.finish();

    // Adler-32 of the inflated data, the run in closed form.
    const std::uint64_t mod = 65521;
    std::uint64_t a = 1, b = 0;
    auto feed = [&](unsigned char c) {
        a = (a + c) % mod;
        b = (b + a) % mod;
    };
    for (unsigned char c : prefix)
        feed(c);
    std::uint64_t n = 1 + 258 * matches, c = static_cast<unsigned char>(fill);
    // After n more bytes of c: a' = a + n c, b' = b + n a + c n (n + 1) / 2.
    unsigned __int128 nn = n;
    std::uint64_t tri = static_cast<std::uint64_t>((nn * (nn + 1) / 2) % mod);
    b = (b + (n % mod) * a + c * tri) % mod;
    a = (a + (n % mod) * c) % mod;
    for (unsigned char s : suffix)
        feed(s);
    std::uint32_t adler = static_cast<std::uint32_t>((b << 16) | a);

    std::string out = "\x78\x01";
    out += deflate;
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((adler >> shift) & 0xFF));
    return out;
}

// A one-page PDF whose FlateDecode content stream inflates to about `bytes` bytes: a text
// operator whose string is one run of 'A'.
inline std::string pdf_bomb(std::uint64_t bytes) {
    std::string data = zlib_bomb("BT /F1 11 Tf 72 700 Td (", 'A', bytes / 258, ") Tj ET\n");
    return make_pdf({data}, {"/Filter /FlateDecode"});
}

} // namespace gt_hardening
