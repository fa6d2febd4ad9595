//! Golden bodies captured from kubectl 1.32.4 (`kubectl create ... --validate=false` against a
//! loopback listener that logged the POST), each paired with the JSON the same command prints
//! with `--dry-run=client -o json`: decoding the protobuf must give exactly that JSON.

use serde_json::Value;

use super::{super::decode_object, hex};

struct Golden {
    command: &'static str,
    body: &'static str,
    json: &'static str,
}

const GOLDENS: &[Golden] = &[
    Golden {
        command: "kubectl create namespace demo",
        body: concat!(
            "6b3873000a0f0a02763112094e616d657370616365121c0a140a0464656d6f12001a0022002a0032003800420012001a",
            "020a001a002200",
        ),
        json: r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"demo","creationTimestamp":null},"spec":{},"status":{}}"#,
    },
    Golden {
        command: "kubectl create configmap x --from-literal=a=1",
        body: concat!(
            "6b3873000a0f0a0276311209436f6e6669674d6170121b0a110a017812001a0022002a0032003800420012060a016112",
            "01311a002200",
        ),
        json: r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":null},"data":{"a":"1"}}"#,
    },
    Golden {
        command: "kubectl create configmap cfg --from-literal=a=1 --from-literal=b=two",
        body: concat!(
            "6b3873000a0f0a0276311209436f6e6669674d617012270a130a0363666712001a0022002a0032003800420012060a01",
            "6112013112080a0162120374776f1a002200",
        ),
        json: r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cfg","creationTimestamp":null},"data":{"a":"1","b":"two"}}"#,
    },
    Golden {
        command: "kubectl create secret generic s --from-literal=k=v",
        body: concat!(
            "6b3873000a0c0a0276311206536563726574121d0a110a017312001a0022002a0032003800420012060a016b1201761a",
            "001a002200",
        ),
        json: r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s","creationTimestamp":null},"data":{"k":"dg=="}}"#,
    },
    Golden {
        command: "kubectl create secret generic s2 --from-literal=k=v --from-literal=pw=s3cr3t! --type=Opaque",
        body: concat!(
            "6b3873000a0c0a027631120653656372657412330a120a02733212001a0022002a0032003800420012060a016b120176",
            "120d0a0270771207733363723374211a064f70617175651a002200",
        ),
        json: r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s2","creationTimestamp":null},"data":{"k":"dg==","pw":"czNjcjN0IQ=="},"type":"Opaque"}"#,
    },
    Golden {
        command: "kubectl create secret docker-registry d --docker-server=s --docker-username=u --docker-password=p",
        body: concat!(
            "6b3873000a0c0a02763112065365637265741287010a110a016412001a0022002a0032003800420012520a112e646f63",
            "6b6572636f6e6669676a736f6e123d7b226175746873223a7b2273223a7b22757365726e616d65223a2275222c227061",
            "7373776f7264223a2270222c2261757468223a2264547077227d7d7d1a1e6b756265726e657465732e696f2f646f636b",
            "6572636f6e6669676a736f6e1a002200",
        ),
        json: r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"d","creationTimestamp":null},"data":{".dockerconfigjson":"eyJhdXRocyI6eyJzIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ=="},"type":"kubernetes.io/dockerconfigjson"}"#,
    },
    Golden {
        command: "kubectl create deployment web --image=nginx --replicas=2",
        body: concat!(
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412ab010a1f0a0377656212001a0022002a00320038",
            "0042005a0a0a036170701203776562127a0802120c0a0a0a0361707012037765621a600a1c0a0012001a0022002a0032",
            "00380042005a0a0a036170701203776562124012220a056e67696e7812056e67696e782a0042006a0072008001008801",
            "00900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c080010",
            "0018002000280038001a002200",
        ),
        json: r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx","resources":{}}]}},"strategy":{}},"status":{}}"#,
    },
    Golden {
        command: "kubectl create deployment web2 --image=nginx --port=80",
        body: concat!(
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bc010a210a047765623212001a0022002a003200",
            "380042005a0b0a036170701204776562321288010801120d0a0b0a036170701204776562321a6d0a1d0a0012001a0022",
            "002a003200380042005a0b0a03617070120477656232124c122e0a056e67696e7812056e67696e782a00320a0a001000",
            "185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a01",
            "00c2010022020a00280038001a0c0800100018002000280038001a002200",
        ),
        json: r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web2","creationTimestamp":null,"labels":{"app":"web2"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web2"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web2"}},"spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80}],"resources":{}}]}},"strategy":{}},"status":{}}"#,
    },
    Golden {
        command: "kubectl create service clusterip svc --tcp=80:8080",
        body: concat!(
            "6b3873000a0d0a02763112075365727669636512690a1f0a0373766312001a0022002a003200380042005a0a0a036170",
            "70120373766312420a1b0a0738302d38303830120354435018502207080010903f1a002800120a0a0361707012037376",
            "631a002209436c757374657249503a00420052005a00600068001a020a001a002200",
        ),
        json: r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"svc","creationTimestamp":null,"labels":{"app":"svc"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],"selector":{"app":"svc"},"type":"ClusterIP"},"status":{"loadBalancer":{}}}"#,
    },
    Golden {
        command: "kubectl create service nodeport np --tcp=80:8080 --node-port=30080",
        body: concat!(
            "6b3873000a0d0a02763112075365727669636512670a1d0a026e7012001a0022002a003200380042005a090a03617070",
            "12026e7012420a1d0a0738302d38303830120354435018502207080010903f1a002880eb0112090a0361707012026e70",
            "1a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200",
        ),
        json: r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"np","creationTimestamp":null,"labels":{"app":"np"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}],"selector":{"app":"np"},"type":"NodePort"},"status":{"loadBalancer":{}}}"#,
    },
    Golden {
        command: "kubectl create job j --image=busybox -- echo hi",
        body: concat!(
            "6b3873000a0f0a0862617463682f763112034a6f621282010a110a016a12001a0022002a00320038004200126332610a",
            "100a0012001a0022002a00320038004200124d122a0a016a120762757379626f781a046563686f1a0268692a0042006a",
            "007200800100880100900100a201001a054e65766572320042004a0052005800600068008201008a01009a0100c20100",
            "1a082000280030003a001a002200",
        ),
        json: r#"{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"j","creationTimestamp":null},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"j","image":"busybox","command":["echo","hi"],"resources":{}}],"restartPolicy":"Never"}}},"status":{}}"#,
    },
    Golden {
        command: "kubectl create cronjob cj --image=busybox --schedule='*/1 * * * *' -- echo hi",
        body: concat!(
            "6b3873000a130a0862617463682f7631120743726f6e4a6f6212a8010a120a02636a12001a0022002a00320038004200",
            "128f010a0b2a2f31202a202a202a202a1a002a7e0a120a02636a12001a0022002a00320038004200126832660a100a00",
            "12001a0022002a003200380042001252122b0a02636a120762757379626f781a046563686f1a0268692a0042006a0072",
            "00800100880100900100a201001a094f6e4661696c757265320042004a0052005800600068008201008a01009a0100c2",
            "01001a001a002200",
        ),
        json: r#"{"kind":"CronJob","apiVersion":"batch/v1","metadata":{"name":"cj","creationTimestamp":null},"spec":{"schedule":"*/1 * * * *","jobTemplate":{"metadata":{"name":"cj","creationTimestamp":null},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"cj","image":"busybox","command":["echo","hi"],"resources":{}}],"restartPolicy":"OnFailure"}}}}},"status":{}}"#,
    },
    Golden {
        command: "kubectl create serviceaccount sa",
        body: concat!(
            "6b3873000a140a027631120e536572766963654163636f756e7412140a120a02736112001a0022002a00320038004200",
            "1a002200",
        ),
        json: r#"{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"sa","creationTimestamp":null}}"#,
    },
];

#[test]
fn kubectl_bodies_decode_to_kubectl_json() {
    for golden in GOLDENS {
        let decoded =
            decode_object(&hex(golden.body)).unwrap_or_else(|e| panic!("{}: {e}", golden.command));
        let expected: Value = serde_json::from_str(golden.json).unwrap();
        assert_eq!(decoded, expected, "{}", golden.command);
        // Field order follows Go's struct order too.
        assert_eq!(decoded.to_string(), golden.json, "{}", golden.command);
    }
}

#[test]
fn kubectl_bodies_of_other_kinds_are_unsupported() {
    // `kubectl create quota q --hard=pods=2` and `kubectl create ingress ing --rule=a.com/=svc:80`.
    let quota = "6b3873000a130a027631120d5265736f7572636551756f746112240a110a017112001a0022002a003200\
                 38004200120d0a0b0a04706f647312030a01321a001a002200";
    let ingress = "6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e677265737312430a\
                   130a03696e6712001a0022002a0032003800420012281a260a05612e636f6d121d0a1b0a190a012f\
                   120d220b0a0373766312040a0010501a0545786163741a020a001a002200";
    for (body, kind) in [(quota, "ResourceQuota"), (ingress, "Ingress")] {
        let err = decode_object(&hex(body)).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(err.to_string().contains(kind), "{err}");
    }
}
