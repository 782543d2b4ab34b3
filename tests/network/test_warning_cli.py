"""``cordon network warnings`` on the command line: a warning raised from options or from a
JSON file, approved, sent, shown as CAP XML, listed and cancelled; what is not CAP refused
with the field at fault and no stack trace."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from clikit import cordon
from cordon.network import cap
from networkkit import Partner

POLYGON = "21.0465,105.8468 21.0520,105.8468 21.0520,105.8530 21.0465,105.8468"


def test_a_warning_from_raise_to_cancel(hanoi: Session, seoul: Partner) -> None:
    done, out = cordon(
        "network", "warnings", "raise", "--event", "Ổ dịch COVID-19", "--urgency", "Immediate",
        "--severity", "Severe", "--headline", "Ổ dịch tại Bệnh viện Bạch Mai", "--ward", "00001",
        "--polygon", POLYGON,
    )  # fmt: skip
    assert done == 0, out
    assert "Warning 1 drafted" in out
    assert cordon("network", "warnings", "approve", "1") == (0, "Warning 1 approved.\n")
    done, out = cordon("network", "warnings", "send", "1")
    assert (done, out) == (0, "Warning 1 queued for 1 partner(s).\n")
    done, xml = cordon("network", "warnings", "show", "1", "--xml")
    assert done == 0, xml
    alert = cap.read(xml)
    assert alert.info.areas[0].area_desc == "Phúc Xá, Ba Đình"
    assert alert.info.areas[0].geocodes[0].value == "00001"
    assert alert.info.areas[0].polygons == [POLYGON]
    done, out = cordon("network", "warnings", "list", "--ours", "--in-force", "--json")
    assert done == 0, out
    assert [w["alert"]["identifier"] for w in json.loads(out)["items"]] == [alert.identifier]
    done, out = cordon(
        "network", "warnings", "update", "1", "--severity", "Moderate",
        "--headline", "Ổ dịch Bạch Mai: 3 ngày không có ca mới", "--note", "Giảm mức độ.",
    )  # fmt: skip
    assert (done, out) == (0, "Update 2 drafted: approve it, then send it.\n")
    assert cordon("network", "warnings", "approve", "2")[0] == 0
    assert cordon("network", "warnings", "send", "2")[0] == 0
    done, out = cordon("network", "warnings", "list", "--ours", "--in-force", "--json")
    (now,) = json.loads(out)["items"]
    assert now["alert"]["msgType"] == "Update"
    assert now["alert"]["info"]["severity"] == "Moderate"
    assert now["alert"]["info"]["event"] == "Ổ dịch COVID-19"  # what was not given stays
    assert alert.identifier in now["alert"]["references"]
    done, out = cordon("network", "warnings", "cancel", "2", "--note", "Đã kiểm soát.")
    assert (done, out) == (0, "Cancel 3 drafted: approve it, then send it.\n")
    assert cordon("network", "warnings", "approve", "3")[0] == 0
    assert cordon("network", "warnings", "send", "3")[0] == 0
    done, out = cordon("network", "warnings", "list", "--ours", "--in-force", "--json")
    assert json.loads(out)["total"] == 0


def test_a_warning_from_a_file_and_what_is_refused(
    hanoi: Session, seoul: Partner, tmp_path: Path
) -> None:
    body = {
        "scope": "Restricted",
        "restriction": "Sở Y tế các thành phố đối tác",
        "info": {
            "event": "Ca bệnh có yếu tố dịch tễ liên quan Seoul",
            "urgency": "Expected",
            "severity": "Moderate",
            "certainty": "Likely",
            "area": [{"areaDesc": "Hà Nội", "geocode": [{"valueName": "VN-ADMIN", "value": "01"}]}],
        },
    }
    path = tmp_path / "warning.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    done, out = cordon("network", "warnings", "raise", "--file", str(path))
    assert done == 0, out
    done, out = cordon("network", "warnings", "show", "1")
    assert json.loads(out)["alert"]["restriction"] == "Sở Y tế các thành phố đối tác"
    done, out = cordon("network", "warnings", "raise", "--event", "x", "--polygon", "1,2 3,4")
    assert done == 1
    assert "polygon" in out
    assert "Traceback" not in out
    done, out = cordon("network", "warnings", "raise", "--event", "x", "--ward", "99999")
    assert (done, "ward" in out) == (1, True)
    assert cordon("network", "warnings", "send", "1")[0] == 1  # a draft is approved first
    done, out = cordon("network", "warnings", "propose", "--json")
    assert (done, json.loads(out)["total"]) == (0, 0)
