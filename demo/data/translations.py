"""Translated names of the demo catalogue, applied by ``manage.py load_demo``.

English name → {"hu", "cs", "ja", "ko"}: competencies, catalogue products, the topics of
the three taxonomies and the self-help articles. Product and service brand names
(``BRAND_NAMES``) stay in English in every language, as in the source documents.
Staff edit these names per language in admin; load_demo only fills them in.
"""

from __future__ import annotations

LANGUAGES = ("hu", "cs", "ja", "ko")

BRAND_NAMES = frozenset(
    {
        "Office 365",
        "Microsoft Azure",
        "Dynamics CRM Online",
        "Enterprise Mobility Suite",
        "Windows Server",
        "SQL Server",
        "Exchange Server",
        "SharePoint Server",
        "Exchange Online",
        "SharePoint Online",
        "Skype for Business Online",
        "Office 365 ProPlus",
        "Azure Active Directory",
        "App Service",
        "SQL Database",
        "Hyper-V",
        "Active Directory",
    }
)

# fmt: off
DEMO_TRANSLATIONS: dict[str, dict[str, str]] = {
    "Cloud Productivity": {"hu": "Felhőproduktivitás", "cs": "Cloudová produktivita", "ja": "クラウド プロダクティビティ", "ko": "클라우드 생산성"},
    "Small and Midmarket Cloud Solutions": {"hu": "Kis- és középvállalati felhőmegoldások", "cs": "Cloudová řešení pro malé a střední firmy", "ja": "中小企業向けクラウド ソリューション", "ko": "중소기업 클라우드 솔루션"},
    "Cloud Platform": {"hu": "Felhőplatform", "cs": "Cloudová platforma", "ja": "クラウド プラットフォーム", "ko": "클라우드 플랫폼"},
    "Application Development": {"hu": "Alkalmazásfejlesztés", "cs": "Vývoj aplikací", "ja": "アプリケーション開発", "ko": "애플리케이션 개발"},
    "Collaboration and Content": {"hu": "Együttműködés és tartalom", "cs": "Spolupráce a obsah", "ja": "コラボレーションとコンテンツ", "ko": "공동 작업 및 콘텐츠"},
    "Communications": {"hu": "Kommunikáció", "cs": "Komunikace", "ja": "コミュニケーション", "ko": "커뮤니케이션"},
    "Devices and Deployment": {"hu": "Eszközök és telepítés", "cs": "Zařízení a nasazení", "ja": "デバイスと展開", "ko": "장치 및 배포"},
    "Messaging": {"hu": "Üzenetkezelés", "cs": "Zasílání zpráv", "ja": "メッセージング", "ko": "메시징"},
    "Midmarket Solution Provider": {"hu": "Középvállalati megoldásszolgáltató", "cs": "Poskytovatel řešení pro střední firmy", "ja": "中堅企業向けソリューション プロバイダー", "ko": "중견기업 솔루션 공급자"},
    "Project and Portfolio Management": {"hu": "Projekt- és portfóliókezelés", "cs": "Řízení projektů a portfolia", "ja": "プロジェクトおよびポートフォリオ管理", "ko": "프로젝트 및 포트폴리오 관리"},
    "Datacenter": {"hu": "Datacenter", "cs": "Datové centrum", "ja": "データセンター", "ko": "데이터 센터"},
    "Data Platform": {"hu": "Adatplatform", "cs": "Datová platforma", "ja": "データ プラットフォーム", "ko": "데이터 플랫폼"},
    "Volume Licensing": {"hu": "Mennyiségi licencelés", "cs": "Multilicenční programy", "ja": "ボリューム ライセンス", "ko": "볼륨 라이선스"},
    "Software Asset Management": {"hu": "Szoftvereszköz-kezelés", "cs": "Správa softwarových aktiv", "ja": "ソフトウェア資産管理", "ko": "소프트웨어 자산 관리"},
    "Learning": {"hu": "Oktatás", "cs": "Vzdělávání", "ja": "ラーニング", "ko": "교육"},
    "Technical": {"hu": "Műszaki", "cs": "Technický", "ja": "技術的な問題", "ko": "기술 문제"},
    "Mail flow": {"hu": "Levelezési forgalom", "cs": "Tok pošty", "ja": "メール フロー", "ko": "메일 흐름"},
    "Delayed or missing e-mail": {"hu": "Késő vagy hiányzó e-mailek", "cs": "Zpožděné nebo chybějící e-maily", "ja": "メールの遅延または未着", "ko": "지연되거나 누락된 메일"},
    "Non-delivery reports": {"hu": "Kézbesítési hibajelentések", "cs": "Oznámení o nedoručení", "ja": "配信不能レポート", "ko": "배달 못 함 보고서"},
    "Connectors": {"hu": "Összekötők", "cs": "Konektory", "ja": "コネクタ", "ko": "커넥터"},
    "Mailboxes": {"hu": "Postafiókok", "cs": "Poštovní schránky", "ja": "メールボックス", "ko": "사서함"},
    "Cannot open a mailbox": {"hu": "Nem nyitható meg a postafiók", "cs": "Poštovní schránku nelze otevřít", "ja": "メールボックスを開けない", "ko": "사서함을 열 수 없음"},
    "Shared mailbox permissions": {"hu": "Megosztott postafiók engedélyei", "cs": "Oprávnění ke sdílené poštovní schránce", "ja": "共有メールボックスのアクセス許可", "ko": "공유 사서함 권한"},
    "Archiving": {"hu": "Archiválás", "cs": "Archivace", "ja": "アーカイブ", "ko": "보관"},
    "Migration": {"hu": "Migrálás", "cs": "Migrace", "ja": "移行", "ko": "마이그레이션"},
    "Hybrid migration batch fails": {"hu": "Sikertelen hibrid migrálási köteg", "cs": "Dávka hybridní migrace selhává", "ja": "ハイブリッド移行バッチが失敗する", "ko": "하이브리드 마이그레이션 일괄 처리 실패"},
    "IMAP migration": {"hu": "IMAP-migrálás", "cs": "Migrace IMAP", "ja": "IMAP 移行", "ko": "IMAP 마이그레이션"},
    "Sites": {"hu": "Webhelyek", "cs": "Weby", "ja": "サイト", "ko": "사이트"},
    "Access denied": {"hu": "Hozzáférés megtagadva", "cs": "Přístup odepřen", "ja": "アクセス拒否", "ko": "액세스 거부"},
    "Site creation fails": {"hu": "Sikertelen webhely-létrehozás", "cs": "Vytvoření webu selhává", "ja": "サイトの作成が失敗する", "ko": "사이트 만들기 실패"},
    "OneDrive sync": {"hu": "OneDrive-szinkronizálás", "cs": "Synchronizace OneDrive", "ja": "OneDrive 同期", "ko": "OneDrive 동기화"},
    "Files do not sync": {"hu": "Nem szinkronizálódnak a fájlok", "cs": "Soubory se nesynchronizují", "ja": "ファイルが同期されない", "ko": "파일이 동기화되지 않음"},
    "Sync client errors": {"hu": "A szinkronizálási ügyfél hibái", "cs": "Chyby synchronizačního klienta", "ja": "同期クライアントのエラー", "ko": "동기화 클라이언트 오류"},
    "Sharing": {"hu": "Megosztás", "cs": "Sdílení", "ja": "共有", "ko": "공유"},
    "External sharing blocked": {"hu": "Külső megosztás letiltva", "cs": "Externí sdílení je blokováno", "ja": "外部共有がブロックされる", "ko": "외부 공유 차단됨"},
    "Sharing links expire": {"hu": "Lejárnak a megosztási hivatkozások", "cs": "Platnost odkazů pro sdílení vyprší", "ja": "共有リンクの有効期限が切れる", "ko": "공유 링크 만료"},
    "Meetings": {"hu": "Értekezletek", "cs": "Schůzky", "ja": "会議", "ko": "모임"},
    "Cannot join a meeting": {"hu": "Nem lehet csatlakozni az értekezlethez", "cs": "Nelze se připojit ke schůzce", "ja": "会議に参加できない", "ko": "모임에 참가할 수 없음"},
    "Audio and video quality": {"hu": "Hang- és képminőség", "cs": "Kvalita zvuku a videa", "ja": "音声とビデオの品質", "ko": "오디오 및 비디오 품질"},
    "Presence and IM": {"hu": "Jelenlét és csevegés", "cs": "Stav přítomnosti a rychlé zprávy", "ja": "プレゼンスと IM", "ko": "현재 상태 및 IM"},
    "Presence not updating": {"hu": "Nem frissül a jelenléti állapot", "cs": "Stav přítomnosti se neaktualizuje", "ja": "プレゼンスが更新されない", "ko": "현재 상태가 업데이트되지 않음"},
    "Messages not delivered": {"hu": "Nem kézbesített üzenetek", "cs": "Zprávy nejsou doručeny", "ja": "メッセージが配信されない", "ko": "메시지가 배달되지 않음"},
    "Installation": {"hu": "Telepítés", "cs": "Instalace", "ja": "インストール", "ko": "설치"},
    "Click-to-Run installation fails": {"hu": "Sikertelen Kattintásra induló telepítés", "cs": "Instalace Klikni a spusť selhává", "ja": "クイック実行のインストールが失敗する", "ko": "간편 실행 설치 실패"},
    "Update channel": {"hu": "Frissítési csatorna", "cs": "Kanál aktualizací", "ja": "更新チャネル", "ko": "업데이트 채널"},
    "Activation": {"hu": "Aktiválás", "cs": "Aktivace", "ja": "ライセンス認証", "ko": "정품 인증"},
    "Activation errors": {"hu": "Aktiválási hibák", "cs": "Chyby aktivace", "ja": "ライセンス認証エラー", "ko": "정품 인증 오류"},
    "Licence not detected": {"hu": "A licenc nem észlelhető", "cs": "Licence nebyla rozpoznána", "ja": "ライセンスが検出されない", "ko": "라이선스가 검색되지 않음"},
    "Directory synchronization": {"hu": "Címtár-szinkronizálás", "cs": "Synchronizace adresáře", "ja": "ディレクトリ同期", "ko": "디렉터리 동기화"},
    "Azure AD Connect errors": {"hu": "Azure AD Connect-hibák", "cs": "Chyby Azure AD Connect", "ja": "Azure AD Connect のエラー", "ko": "Azure AD Connect 오류"},
    "Duplicate attributes": {"hu": "Ismétlődő attribútumok", "cs": "Duplicitní atributy", "ja": "重複する属性", "ko": "중복 특성"},
    "Single sign-on": {"hu": "Egyszeri bejelentkezés", "cs": "Jednotné přihlašování", "ja": "シングル サインオン", "ko": "Single Sign-On"},
    "AD FS federation fails": {"hu": "Sikertelen AD FS-összevonás", "cs": "Federace AD FS selhává", "ja": "AD FS フェデレーションが失敗する", "ko": "AD FS 페더레이션 실패"},
    "Conditional access blocks sign-in": {"hu": "A feltételes hozzáférés letiltja a bejelentkezést", "cs": "Podmíněný přístup blokuje přihlášení", "ja": "条件付きアクセスでサインインがブロックされる", "ko": "조건부 액세스가 로그인을 차단함"},
    "Billing": {"hu": "Számlázás", "cs": "Fakturace", "ja": "請求", "ko": "청구"},
    "Office 365 subscription": {"hu": "Office 365-előfizetés", "cs": "Předplatné Office 365", "ja": "Office 365 サブスクリプション", "ko": "Office 365 구독"},
    "Invoices and payments": {"hu": "Számlák és fizetések", "cs": "Faktury a platby", "ja": "請求書と支払い", "ko": "청구서 및 결제"},
    "Invoice question": {"hu": "Számlával kapcsolatos kérdés", "cs": "Dotaz k faktuře", "ja": "請求書に関する質問", "ko": "청구서 문의"},
    "Payment method": {"hu": "Fizetési mód", "cs": "Způsob platby", "ja": "支払方法", "ko": "결제 방법"},
    "Licences": {"hu": "Licencek", "cs": "Licence", "ja": "ライセンス", "ko": "라이선스"},
    "Buy or remove licences": {"hu": "Licencek vásárlása vagy eltávolítása", "cs": "Nákup nebo odebrání licencí", "ja": "ライセンスの購入または削除", "ko": "라이선스 구매 또는 제거"},
    "Trial conversion": {"hu": "Próbaverzió átalakítása", "cs": "Převod zkušební verze", "ja": "試用版からの変換", "ko": "평가판 전환"},
    "Password reset": {"hu": "Jelszó-visszaállítás", "cs": "Obnovení hesla", "ja": "パスワードのリセット", "ko": "암호 재설정"},
    "Accounts": {"hu": "Fiókok", "cs": "Účty", "ja": "アカウント", "ko": "계정"},
    "Administrator password": {"hu": "Rendszergazdai jelszó", "cs": "Heslo správce", "ja": "管理者パスワード", "ko": "관리자 암호"},
    "Reset a global admin password": {"hu": "Globális rendszergazda jelszavának visszaállítása", "cs": "Obnovení hesla globálního správce", "ja": "全体管理者のパスワードのリセット", "ko": "전역 관리자 암호 재설정"},
    "Admin locked out": {"hu": "Kizárt rendszergazda", "cs": "Správce je zablokován", "ja": "管理者がロックアウトされた", "ko": "관리자 계정 잠김"},
    "User password": {"hu": "Felhasználói jelszó", "cs": "Heslo uživatele", "ja": "ユーザー パスワード", "ko": "사용자 암호"},
    "Self-service password reset": {"hu": "Önkiszolgáló jelszó-visszaállítás", "cs": "Samoobslužné resetování hesla", "ja": "セルフサービス パスワード リセット", "ko": "셀프 서비스 암호 재설정"},
    "Assistance / process questions": {"hu": "Segítség / folyamatokkal kapcsolatos kérdések", "cs": "Pomoc / dotazy k procesům", "ja": "支援 / プロセスに関する質問", "ko": "지원 / 프로세스 질문"},
    "Partner programme": {"hu": "Partnerprogram", "cs": "Partnerský program", "ja": "パートナー プログラム", "ko": "파트너 프로그램"},
    "How-to and process": {"hu": "Útmutatók és folyamatok", "cs": "Postupy a procesy", "ja": "操作方法とプロセス", "ko": "방법 및 프로세스"},
    "Using the portal": {"hu": "A portál használata", "cs": "Používání portálu", "ja": "ポータルの使用", "ko": "포털 사용"},
    "Benefits question": {"hu": "Előnyökkel kapcsolatos kérdés", "cs": "Dotaz k výhodám", "ja": "特典に関する質問", "ko": "혜택 문의"},
    "Planning": {"hu": "Tervezés", "cs": "Plánování", "ja": "計画", "ko": "계획"},
    "Licensing advice": {"hu": "Licencelési tanácsadás", "cs": "Poradenství k licencování", "ja": "ライセンスに関するアドバイス", "ko": "라이선스 조언"},
    "Deployment planning": {"hu": "Üzembe helyezés tervezése", "cs": "Plánování nasazení", "ja": "展開の計画", "ko": "배포 계획"},
    "Virtual Machines": {"hu": "Virtuális gépek", "cs": "Virtuální počítače", "ja": "仮想マシン", "ko": "가상 머신"},
    "Connectivity": {"hu": "Kapcsolódás", "cs": "Připojení", "ja": "接続", "ko": "연결"},
    "Cannot connect with RDP or SSH": {"hu": "Nem lehet RDP-vel vagy SSH-val csatlakozni", "cs": "Nelze se připojit přes RDP nebo SSH", "ja": "RDP または SSH で接続できない", "ko": "RDP 또는 SSH로 연결할 수 없음"},
    "Network security groups": {"hu": "Hálózati biztonsági csoportok", "cs": "Skupiny zabezpečení sítě", "ja": "ネットワーク セキュリティ グループ", "ko": "네트워크 보안 그룹"},
    "Performance": {"hu": "Teljesítmény", "cs": "Výkon", "ja": "パフォーマンス", "ko": "성능"},
    "High CPU": {"hu": "Magas processzorhasználat", "cs": "Vysoké využití procesoru", "ja": "CPU 使用率が高い", "ko": "높은 CPU 사용률"},
    "Disk latency": {"hu": "Lemezkésleltetés", "cs": "Latence disku", "ja": "ディスクの待機時間", "ko": "디스크 대기 시간"},
    "Deployment": {"hu": "Üzembe helyezés", "cs": "Nasazení", "ja": "デプロイ", "ko": "배포"},
    "Provisioning fails": {"hu": "Sikertelen kiépítés", "cs": "Zřizování selhává", "ja": "プロビジョニングが失敗する", "ko": "프로비저닝 실패"},
    "VM extension errors": {"hu": "Virtuálisgép-bővítmények hibái", "cs": "Chyby rozšíření virtuálního počítače", "ja": "VM 拡張機能のエラー", "ko": "VM 확장 오류"},
    "Advisory and partner questions": {"hu": "Tanácsadási és partnerkérdések", "cs": "Poradenství a partnerské dotazy", "ja": "アドバイザリーとパートナーに関する質問", "ko": "자문 및 파트너 문의"},
    "Advisory / architecture guidance": {"hu": "Tanácsadás / architektúra-útmutatás", "cs": "Poradenství / architektonické pokyny", "ja": "アドバイザリー / アーキテクチャ ガイダンス", "ko": "자문 / 아키텍처 지침"},
    "Pre-sales question": {"hu": "Értékesítés előtti kérdés", "cs": "Předprodejní dotaz", "ja": "販売前の質問", "ko": "사전 판매 문의"},
    "Partner benefits question": {"hu": "Partnerelőnyökkel kapcsolatos kérdés", "cs": "Dotaz k partnerským výhodám", "ja": "パートナー特典に関する質問", "ko": "파트너 혜택 문의"},
    "Git or ZIP deployment fails": {"hu": "Sikertelen Git- vagy ZIP-üzembe helyezés", "cs": "Nasazení z Gitu nebo ZIP selhává", "ja": "Git または ZIP のデプロイが失敗する", "ko": "Git 또는 ZIP 배포 실패"},
    "Slot swap fails": {"hu": "Sikertelen üzembehelyezésipont-csere", "cs": "Prohození slotů selhává", "ja": "スロットのスワップが失敗する", "ko": "슬롯 교환 실패"},
    "Availability": {"hu": "Rendelkezésre állás", "cs": "Dostupnost", "ja": "可用性", "ko": "가용성"},
    "HTTP 5xx errors": {"hu": "HTTP 5xx-hibák", "cs": "Chyby HTTP 5xx", "ja": "HTTP 5xx エラー", "ko": "HTTP 5xx 오류"},
    "Unexpected restarts": {"hu": "Váratlan újraindulások", "cs": "Neočekávané restarty", "ja": "予期しない再起動", "ko": "예기치 않은 다시 시작"},
    "Configuration": {"hu": "Konfiguráció", "cs": "Konfigurace", "ja": "構成", "ko": "구성"},
    "Custom domains and TLS": {"hu": "Egyéni tartományok és TLS", "cs": "Vlastní domény a TLS", "ja": "カスタム ドメインと TLS", "ko": "사용자 지정 도메인 및 TLS"},
    "Application settings": {"hu": "Alkalmazásbeállítások", "cs": "Nastavení aplikace", "ja": "アプリケーション設定", "ko": "애플리케이션 설정"},
    "Login failures": {"hu": "Sikertelen bejelentkezések", "cs": "Selhání přihlášení", "ja": "ログインの失敗", "ko": "로그인 실패"},
    "Firewall rules": {"hu": "Tűzfalszabályok", "cs": "Pravidla brány firewall", "ja": "ファイアウォール規則", "ko": "방화벽 규칙"},
    "Slow queries": {"hu": "Lassú lekérdezések", "cs": "Pomalé dotazy", "ja": "遅いクエリ", "ko": "느린 쿼리"},
    "DTU or vCore limits": {"hu": "DTU- vagy virtuálismag-korlátok", "cs": "Limity DTU nebo virtuálních jader", "ja": "DTU または仮想コアの上限", "ko": "DTU 또는 vCore 한도"},
    "Backup and restore": {"hu": "Biztonsági mentés és visszaállítás", "cs": "Zálohování a obnovení", "ja": "バックアップと復元", "ko": "백업 및 복원"},
    "Point-in-time restore": {"hu": "Időponthoz kötött visszaállítás", "cs": "Obnovení k určitému bodu v čase", "ja": "ポイントインタイム リストア", "ko": "특정 시점 복원"},
    "Geo-replication": {"hu": "Georeplikáció", "cs": "Geografická replikace", "ja": "geo レプリケーション", "ko": "지역 복제"},
    "Storage": {"hu": "Tárolás", "cs": "Úložiště", "ja": "ストレージ", "ko": "스토리지"},
    "Blob storage": {"hu": "Blobtároló", "cs": "Úložiště objektů blob", "ja": "BLOB ストレージ", "ko": "Blob 스토리지"},
    "Access denied (SAS or keys)": {"hu": "Hozzáférés megtagadva (SAS vagy kulcsok)", "cs": "Přístup odepřen (SAS nebo klíče)", "ja": "アクセス拒否 (SAS またはキー)", "ko": "액세스 거부(SAS 또는 키)"},
    "Slow data transfer": {"hu": "Lassú adatátvitel", "cs": "Pomalý přenos dat", "ja": "データ転送が遅い", "ko": "느린 데이터 전송"},
    "Files": {"hu": "Fájlok", "cs": "Soubory", "ja": "ファイル", "ko": "파일"},
    "Azure Files share does not mount": {"hu": "Nem csatlakoztatható az Azure Files-megosztás", "cs": "Sdílenou složku Azure Files nelze připojit", "ja": "Azure Files 共有をマウントできない", "ko": "Azure Files 공유를 탑재할 수 없음"},
    "Storage account unavailable": {"hu": "A tárfiók nem érhető el", "cs": "Účet úložiště není dostupný", "ja": "ストレージ アカウントを利用できない", "ko": "스토리지 계정을 사용할 수 없음"},
    "Sign-in": {"hu": "Bejelentkezés", "cs": "Přihlášení", "ja": "サインイン", "ko": "로그인"},
    "Multi-factor authentication": {"hu": "Többtényezős hitelesítés", "cs": "Vícefaktorové ověřování", "ja": "多要素認証", "ko": "다단계 인증"},
    "Conditional access": {"hu": "Feltételes hozzáférés", "cs": "Podmíněný přístup", "ja": "条件付きアクセス", "ko": "조건부 액세스"},
    "Synchronization": {"hu": "Szinkronizálás", "cs": "Synchronizace", "ja": "同期", "ko": "동기화"},
    "Applications": {"hu": "Alkalmazások", "cs": "Aplikace", "ja": "アプリケーション", "ko": "애플리케이션"},
    "App registration and consent": {"hu": "Alkalmazásregisztráció és hozzájárulás", "cs": "Registrace aplikací a souhlas", "ja": "アプリの登録と同意", "ko": "앱 등록 및 동의"},
    "Billing and subscription management": {"hu": "Számlázás és előfizetés-kezelés", "cs": "Fakturace a správa předplatného", "ja": "請求とサブスクリプションの管理", "ko": "청구 및 구독 관리"},
    "Invoices": {"hu": "Számlák", "cs": "Faktury", "ja": "請求書", "ko": "청구서"},
    "Credit or refund": {"hu": "Jóváírás vagy visszatérítés", "cs": "Dobropis nebo vrácení peněz", "ja": "クレジットまたは返金", "ko": "크레딧 또는 환불"},
    "Subscription management": {"hu": "Előfizetés-kezelés", "cs": "Správa předplatného", "ja": "サブスクリプションの管理", "ko": "구독 관리"},
    "Transfer a subscription": {"hu": "Előfizetés átadása", "cs": "Převod předplatného", "ja": "サブスクリプションの移管", "ko": "구독 이전"},
    "Quota increase": {"hu": "Kvótanövelés", "cs": "Navýšení kvóty", "ja": "クォータの引き上げ", "ko": "할당량 증가"},
    "Replication failures": {"hu": "Replikációs hibák", "cs": "Selhání replikace", "ja": "レプリケーションの失敗", "ko": "복제 실패"},
    "Group Policy not applied": {"hu": "A csoportházirend nem érvényesül", "cs": "Zásady skupiny se neuplatňují", "ja": "グループ ポリシーが適用されない", "ko": "그룹 정책이 적용되지 않음"},
    "Domain controller promotion fails": {"hu": "Sikertelen tartományvezérlővé léptetés", "cs": "Povýšení na řadič domény selhává", "ja": "ドメイン コントローラーへの昇格が失敗する", "ko": "도메인 컨트롤러 승격 실패"},
    "Networking": {"hu": "Hálózatkezelés", "cs": "Sítě", "ja": "ネットワーク", "ko": "네트워킹"},
    "DNS resolution": {"hu": "DNS-névfeloldás", "cs": "Překlad DNS", "ja": "DNS 名前解決", "ko": "DNS 확인"},
    "DHCP scope": {"hu": "DHCP-hatókör", "cs": "Obor DHCP", "ja": "DHCP スコープ", "ko": "DHCP 범위"},
    "Virtual machine does not start": {"hu": "Nem indul el a virtuális gép", "cs": "Virtuální počítač se nespustí", "ja": "仮想マシンが起動しない", "ko": "가상 머신이 시작되지 않음"},
    "Live migration fails": {"hu": "Sikertelen élő áttelepítés", "cs": "Migrace za provozu selhává", "ja": "ライブ マイグレーションが失敗する", "ko": "실시간 마이그레이션 실패"},
    "Setup and updates": {"hu": "Telepítés és frissítések", "cs": "Instalace a aktualizace", "ja": "セットアップと更新", "ko": "설치 및 업데이트"},
    "Windows Update errors": {"hu": "Windows Update-hibák", "cs": "Chyby služby Windows Update", "ja": "Windows Update のエラー", "ko": "Windows 업데이트 오류"},
    "In-place upgrade fails": {"hu": "Sikertelen helyben történő frissítés", "cs": "Místní upgrade selhává", "ja": "インプレース アップグレードが失敗する", "ko": "현재 위치 업그레이드 실패"},
    "Database engine": {"hu": "Adatbázismotor", "cs": "Databázový stroj", "ja": "データベース エンジン", "ko": "데이터베이스 엔진"},
    "Service does not start": {"hu": "Nem indul el a szolgáltatás", "cs": "Služba se nespustí", "ja": "サービスが起動しない", "ko": "서비스가 시작되지 않음"},
    "Blocking and deadlocks": {"hu": "Blokkolások és holtpontok", "cs": "Blokování a zablokování", "ja": "ブロッキングとデッドロック", "ko": "차단 및 교착 상태"},
    "High availability": {"hu": "Magas rendelkezésre állás", "cs": "Vysoká dostupnost", "ja": "高可用性", "ko": "고가용성"},
    "Availability group failover": {"hu": "Rendelkezésre állási csoport feladatátvétele", "cs": "Převzetí služeb při selhání skupiny dostupnosti", "ja": "可用性グループのフェールオーバー", "ko": "가용성 그룹 장애 조치"},
    "Log shipping": {"hu": "Naplóküldés", "cs": "Přesouvání protokolu", "ja": "ログ配布", "ko": "로그 전달"},
    "Memory pressure": {"hu": "Memóriaterhelés", "cs": "Nedostatek paměti", "ja": "メモリ不足", "ko": "메모리 압력"},
    "Queues growing": {"hu": "Növekvő várólisták", "cs": "Rostoucí fronty", "ja": "キューが増加する", "ko": "큐 증가"},
    "Transport rules": {"hu": "Átviteli szabályok", "cs": "Pravidla přenosu", "ja": "トランスポート ルール", "ko": "전송 규칙"},
    "Client access": {"hu": "Ügyfélhozzáférés", "cs": "Klientský přístup", "ja": "クライアント アクセス", "ko": "클라이언트 액세스"},
    "Outlook cannot connect": {"hu": "Az Outlook nem tud csatlakozni", "cs": "Outlook se nemůže připojit", "ja": "Outlook が接続できない", "ko": "Outlook이 연결할 수 없음"},
    "Outlook on the web errors": {"hu": "Webes Outlook-hibák", "cs": "Chyby Outlooku na webu", "ja": "Outlook on the web のエラー", "ko": "웹용 Outlook 오류"},
    "Hybrid": {"hu": "Hibrid", "cs": "Hybridní prostředí", "ja": "ハイブリッド", "ko": "하이브리드"},
    "Hybrid Configuration Wizard fails": {"hu": "Sikertelen Hibrid konfigurációs varázsló", "cs": "Průvodce hybridní konfigurací selhává", "ja": "ハイブリッド構成ウィザードが失敗する", "ko": "하이브리드 구성 마법사 실패"},
    "Search": {"hu": "Keresés", "cs": "Vyhledávání", "ja": "検索", "ko": "검색"},
    "Crawl errors": {"hu": "Bejárási hibák", "cs": "Chyby procházení", "ja": "クロール エラー", "ko": "크롤링 오류"},
    "Farm configuration": {"hu": "Farmkonfiguráció", "cs": "Konfigurace farmy", "ja": "ファーム構成", "ko": "팜 구성"},
    "Service application errors": {"hu": "Szolgáltatásalkalmazás-hibák", "cs": "Chyby aplikací služeb", "ja": "サービス アプリケーションのエラー", "ko": "서비스 애플리케이션 오류"},
    "Upgrade fails": {"hu": "Sikertelen verziófrissítés", "cs": "Upgrade selhává", "ja": "アップグレードが失敗する", "ko": "업그레이드 실패"},
    "Troubleshoot Active Directory replication": {"hu": "Active Directory-replikációs hibák elhárítása", "cs": "Řešení potíží s replikací služby Active Directory", "ja": "Active Directory レプリケーションのトラブルシューティング", "ko": "Active Directory 복제 문제 해결"},
    "Group Policy is not applied": {"hu": "A csoportházirend nem érvényesül", "cs": "Zásady skupiny se neuplatňují", "ja": "グループ ポリシーが適用されない", "ko": "그룹 정책이 적용되지 않음"},
    "Troubleshoot DNS clients": {"hu": "DNS-ügyfelek hibaelhárítása", "cs": "Řešení potíží s klienty DNS", "ja": "DNS クライアントのトラブルシューティング", "ko": "DNS 클라이언트 문제 해결"},
    "A Hyper-V virtual machine does not start": {"hu": "Nem indul el egy Hyper-V virtuális gép", "cs": "Virtuální počítač Hyper-V se nespustí", "ja": "Hyper-V 仮想マシンが起動しない", "ko": "Hyper-V 가상 머신이 시작되지 않음"},
    "SQL Server service does not start": {"hu": "Nem indul el az SQL Server szolgáltatás", "cs": "Služba SQL Server se nespustí", "ja": "SQL Server サービスが起動しない", "ko": "SQL Server 서비스가 시작되지 않음"},
    "Troubleshoot slow-running queries": {"hu": "Lassan futó lekérdezések hibaelhárítása", "cs": "Řešení potíží s pomalými dotazy", "ja": "実行速度の遅いクエリのトラブルシューティング", "ko": "느리게 실행되는 쿼리 문제 해결"},
    "Mail queues in Exchange Server": {"hu": "Levélvárólisták az Exchange Serverben", "cs": "Fronty pošty v Exchange Serveru", "ja": "Exchange Server のメール キュー", "ko": "Exchange Server의 메일 큐"},
    "Exchange Server supportability matrix": {"hu": "Az Exchange Server támogatási mátrixa", "cs": "Matice podpory Exchange Serveru", "ja": "Exchange Server のサポート マトリックス", "ko": "Exchange Server 지원 매트릭스"},
    "Troubleshoot crawl errors": {"hu": "Bejárási hibák elhárítása", "cs": "Řešení chyb procházení", "ja": "クロール エラーのトラブルシューティング", "ko": "크롤링 오류 문제 해결"},
}
# fmt: on


def names_for(name: str) -> tuple[str, str, str, str] | None:
    """(hu, cs, ja, ko) for an English catalogue name, or None when there is none."""
    names = DEMO_TRANSLATIONS.get(name)
    return tuple(names[lang] for lang in LANGUAGES) if names else None


def apply_demo_translations(*models) -> int:
    """Fill ``name_<lang>`` of every row of ``models`` whose English name is known.

    Only rows that differ are written, so a second run changes nothing. Returns the
    number of rows updated.
    """
    fields = [f"name_{lang}" for lang in LANGUAGES]
    updated = 0
    for model in models:
        changed = []
        for obj in model.objects.filter(name__in=DEMO_TRANSLATIONS):
            names = DEMO_TRANSLATIONS[obj.name]
            if any(getattr(obj, f"name_{lang}") != names[lang] for lang in LANGUAGES):
                for lang in LANGUAGES:
                    setattr(obj, f"name_{lang}", names[lang])
                changed.append(obj)
        if changed:
            model.objects.bulk_update(changed, fields)
            updated += len(changed)
    return updated
