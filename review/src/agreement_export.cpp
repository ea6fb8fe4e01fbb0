#include <veridicor/review/agreement_export.h>

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cstdio>
#include <map>
#include <tuple>
#include <utility>

namespace veridicor::review {

namespace {

using nlohmann::json;

/// The figures of a group, in the order of the JSON members and CSV columns.
struct NamedFigure {
    const char* json;
    const char* csv;
    const Figure Agreement::*figure;
};
constexpr std::array kFigures{
    NamedFigure{"agreement", "agreement", &Agreement::agreement},
    NamedFigure{"chance", "chance", &Agreement::chance},
    NamedFigure{"kappa", "kappa", &Agreement::kappa},
    NamedFigure{"kappaSE", "kappa_se", &Agreement::kappaSe},
    NamedFigure{"pabak", "pabak", &Agreement::pabak},
    NamedFigure{"ac1", "ac1", &Agreement::ac1},
    NamedFigure{"ppa", "ppa", &Agreement::ppa},
    NamedFigure{"npa", "npa", &Agreement::npa},
    NamedFigure{"ppv", "ppv", &Agreement::ppv},
    NamedFigure{"npv", "npv", &Agreement::npv},
};

/// Shortest round-trip decimal form.
std::string number(double v) {
    std::array<char, 64> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return {buf.data(), r.ptr};
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) {
        return s;
    }
    std::string out = "\"";
    for (const char c : s) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::string fixed3(double v) {
    std::array<char, 32> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%.3f", v);
    return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string();
}

std::string padRight(const std::string& s, std::size_t w) {
    return s.size() >= w ? s : s + std::string(w - s.size(), ' ');
}

} // namespace

std::optional<GroupBy> parseGroupBy(std::string_view text) {
    GroupBy by{false, false, false};
    std::size_t start = 0;
    bool any = false;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::string_view key = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
        bool* slot = key == "model" ? &by.model : key == "category" ? &by.category : key == "reader" ? &by.reader : nullptr;
        if (slot == nullptr || *slot) {
            return std::nullopt; // unknown, empty or repeated
        }
        *slot = true;
        any = true;
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return any ? std::optional<GroupBy>(by) : std::nullopt;
}

std::string groupByText(GroupBy by) {
    std::string s;
    for (const auto& [on, name] : {std::pair{by.model, "model"}, std::pair{by.category, "category"},
                                   std::pair{by.reader, "reader"}}) {
        if (on) {
            s += (s.empty() ? "" : ",") + std::string(name);
        }
    }
    return s;
}

std::vector<PooledGroup> poolGroups(const AgreementGroups& groups, GroupBy by) {
    // Pooled keys: the chosen parts of GroupKey, the others fixed to one value so that they compare equal.
    using Key = std::tuple<std::string, std::string, int, std::string>;
    std::map<Key, PooledGroup> pooled;
    for (const auto& [k, g] : groups.groups()) {
        const Key key{by.model ? k.modelName : std::string(), by.model ? k.modelVersion : std::string(),
                      by.category ? static_cast<int>(k.category) : -1, by.reader ? k.reader : std::string()};
        auto [it, inserted] = pooled.try_emplace(key);
        PooledGroup& p = it->second;
        if (inserted) {
            if (by.model) {
                p.modelName = k.modelName;
                p.modelVersion = k.modelVersion;
            }
            if (by.category) {
                p.category = k.category;
            }
            if (by.reader) {
                p.reader = k.reader;
            }
        }
        p.group.table.tp += g.table.tp;
        p.group.table.fp += g.table.fp;
        p.group.table.fn += g.table.fn;
        p.group.table.tn += g.table.tn;
        p.group.disagreements += g.disagreements;
    }
    std::vector<PooledGroup> out;
    out.reserve(pooled.size());
    for (auto& [key, p] : pooled) {
        out.push_back(std::move(p));
    }
    return out;
}

std::string agreementToJson(const AgreementGroups& groups, const std::vector<LeftOut>& leftOut, GroupBy by,
                            int indent) {
    json doc = json::object();
    json byList = json::array();
    for (const auto& [on, name] : {std::pair{by.model, "model"}, std::pair{by.category, "category"},
                                   std::pair{by.reader, "reader"}}) {
        if (on) {
            byList.push_back(name);
        }
    }
    doc["by"] = byList;
    json list = json::array();
    for (const PooledGroup& p : poolGroups(groups, by)) {
        const Agreement a = agreement(p.group.table);
        json g = json::object();
        g["model"] = p.modelName ? json{{"name", *p.modelName}, {"version", *p.modelVersion}} : json(nullptr);
        g["category"] = p.category ? json(std::string(categoryId(*p.category))) : json(nullptr);
        if (p.category) {
            g["categoryName"] = std::string(categoryName(*p.category));
        }
        if (p.reader) {
            g["reader"] = *p.reader;
        }
        g["n"] = a.n;
        g["table"] = {{"tp", p.group.table.tp}, {"fp", p.group.table.fp}, {"fn", p.group.table.fn},
                      {"tn", p.group.table.tn}};
        g["disagreements"] = p.group.disagreements;
        for (const NamedFigure& f : kFigures) {
            const Figure& fig = a.*(f.figure);
            g[f.json] = fig.value ? json(*fig.value) : json(nullptr);
            if (!fig.value) {
                g[std::string(f.json) + "Why"] = fig.why;
            }
        }
        if (a.kappaCi) {
            g["kappaCI"] = json::array({a.kappaCi->lo, a.kappaCi->hi});
        } else {
            g["kappaCI"] = nullptr;
            g["kappaCIWhy"] = a.kappaSe.why;
        }
        list.push_back(std::move(g));
    }
    doc["groups"] = std::move(list);
    json left = json::array();
    for (const LeftOut& l : leftOut) {
        left.push_back({{"path", l.path}, {"studyUid", l.studyUid}, {"reason", l.reason}});
    }
    doc["leftOut"] = std::move(left);
    // Invalid UTF-8 in a path or name is replaced, never a thrown exception.
    return doc.dump(indent, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string agreementToCsv(const AgreementGroups& groups, const std::vector<LeftOut>& leftOut, GroupBy by) {
    std::string out = "model_name,model_version,category,reader,n,tp,fp,fn,tn,disagreements";
    for (const NamedFigure& f : kFigures) {
        out += std::string(",") + f.csv + "," + f.csv + "_why";
    }
    out += ",kappa_ci_lo,kappa_ci_hi,kappa_ci_why\n";
    for (const PooledGroup& p : poolGroups(groups, by)) {
        const Agreement a = agreement(p.group.table);
        const Table& t = p.group.table;
        out += csvField(p.modelName.value_or("")) + "," + csvField(p.modelVersion.value_or("")) + "," +
               (p.category ? std::string(categoryId(*p.category)) : std::string()) + "," +
               csvField(p.reader.value_or("")) + "," + std::to_string(a.n) + "," + std::to_string(t.tp) + "," +
               std::to_string(t.fp) + "," + std::to_string(t.fn) + "," + std::to_string(t.tn) + "," +
               std::to_string(p.group.disagreements);
        for (const NamedFigure& f : kFigures) {
            const Figure& fig = a.*(f.figure);
            out += "," + (fig.value ? number(*fig.value) : std::string()) + "," + csvField(fig.why);
        }
        if (a.kappaCi) {
            out += "," + number(a.kappaCi->lo) + "," + number(a.kappaCi->hi) + ",";
        } else {
            out += ",," + csvField(a.kappaSe.why);
        }
        out += "\n";
    }
    if (!leftOut.empty()) {
        out += "\nleft_out,path,study_uid,reason\n";
        for (const LeftOut& l : leftOut) {
            out += "left_out," + csvField(l.path) + "," + csvField(l.studyUid) + "," + csvField(l.reason) + "\n";
        }
    }
    return out;
}

std::string agreementToText(const AgreementGroups& groups, GroupBy by) {
    const std::vector<PooledGroup> pooled = poolGroups(groups, by);
    if (pooled.empty()) {
        return "No study could be counted.\n";
    }
    auto fig = [](const Figure& f) { return f.value ? fixed3(*f.value) : std::string("n/a"); };
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header;
    if (by.model) {
        header.insert(header.end(), {"model", "version"});
    }
    if (by.category) {
        header.emplace_back("category");
    }
    if (by.reader) {
        header.emplace_back("reader");
    }
    header.insert(header.end(), {"n", "tp", "fp", "fn", "tn", "agree", "kappa", "95% CI", "PABAK", "AC1", "PPA",
                                 "NPA", "PPV", "NPV"});
    rows.push_back(header);
    std::vector<std::string> notes;
    std::map<std::string, std::string> undefinedKappa; // reason → the rows it applies to
    for (const PooledGroup& p : pooled) {
        const Agreement a = agreement(p.group.table);
        std::vector<std::string> r;
        if (by.model) {
            r.push_back(*p.modelName);
            r.push_back(*p.modelVersion);
        }
        if (by.category) {
            r.emplace_back(categoryName(*p.category));
        }
        if (by.reader) {
            r.push_back(*p.reader);
        }
        const Table& t = p.group.table;
        r.insert(r.end(), {std::to_string(a.n), std::to_string(t.tp), std::to_string(t.fp), std::to_string(t.fn),
                           std::to_string(t.tn), fig(a.agreement), fig(a.kappa),
                           a.kappaCi ? fixed3(a.kappaCi->lo) + " to " + fixed3(a.kappaCi->hi) : std::string("n/a"),
                           fig(a.pabak), fig(a.ac1), fig(a.ppa), fig(a.npa), fig(a.ppv), fig(a.npv)});
        rows.push_back(std::move(r));
        if (p.group.disagreements > 0) {
            notes.push_back("row " + std::to_string(rows.size() - 1) + ": " + std::to_string(p.group.disagreements) +
                            " of the tp are both positive with incompatible codes (disagree)");
        }
        if (!a.kappa.value && a.n > 0) {
            std::string& list = undefinedKappa[a.kappa.why];
            list += (list.empty() ? "" : ", ") + std::to_string(rows.size() - 1);
        }
    }
    std::vector<std::size_t> widths(header.size(), 0);
    for (const auto& r : rows) {
        for (std::size_t i = 0; i < r.size(); ++i) {
            widths[i] = std::max(widths[i], r[i].size());
        }
    }
    std::string out;
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) {
            line += (i == 0 ? "" : "  ") + padRight(r[i], widths[i]);
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        out += line + "\n";
    }
    for (const auto& [why, list] : undefinedKappa) {
        std::string note = "kappa n/a (row ";
        note += list;
        note += "): ";
        note += why;
        notes.push_back(std::move(note));
    }
    for (const auto& n : notes) {
        out += n + "\n";
    }
    return out;
}

std::string leftOutText(const std::vector<LeftOut>& leftOut) {
    std::string out;
    for (const LeftOut& l : leftOut) {
        out += "left out: " + (l.path.empty() ? std::string("(set)") : l.path) +
               (l.studyUid.empty() ? std::string() : " (study " + l.studyUid + ")") + ": " + l.reason + "\n";
    }
    return out;
}

} // namespace veridicor::review
